"""Village hall kiosk: notices, meeting sign-in, residents' requests and staff tools."""

__version__ = "0.1.0"
