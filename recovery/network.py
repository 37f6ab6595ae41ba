"""Which listening addresses only this machine can reach."""

import ipaddress


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach: localhost, 127.x.x.x, ::1."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
