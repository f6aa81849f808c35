"""The email channel: inbound SMTP and IMAP, parsing, threading, bounces and outbound mail."""
