"""Outcome events: CloudEvents 1.0 in structured mode on the topic exchange ``docpipe.events``."""
