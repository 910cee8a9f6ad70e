"""The appointment book: appointments, staff and sign-ins, stored in the database."""
