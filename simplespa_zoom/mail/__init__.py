"""The spa's own mail to clients: settings, composing the message and its calendar file, sending it by SMTP.

The core (meetings/invitations.py) decides which letters go and when; this package only turns a
letter into a message and hands it to the spa's mail server. No Flask here.
"""
