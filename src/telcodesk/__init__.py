"""telcodesk: customer care and service quality for telecom operators."""

__version__ = "0.1.0"
