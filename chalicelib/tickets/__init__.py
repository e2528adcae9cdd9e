"""E-tickets: signed barcodes and the printable PDF."""
