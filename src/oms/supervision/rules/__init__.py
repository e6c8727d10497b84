"""Pure supervision rules: contact standards, next contact due, compliance counts."""
