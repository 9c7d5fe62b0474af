"""Where webhooks may be sent: not to the app's own network (SSRF). A registered URL whose host
is, or resolves to, a loopback, private, link-local, multicast, reserved or unspecified address
is refused, unless the operator allows it (CRAFTPATH_WEBHOOK_ALLOW_PRIVATE=1, for receivers
on the same machine or network). Cloud metadata services (169.254.169.254 and the rest of
link-local, fd00:ec2::254, 100.100.100.200, metadata.google.internal…), which hand out the
machine's own credentials, are refused even then.

At delivery the host name is resolved again, every address it gives is checked, and the
connection goes to the address that was checked (`connect_to`), so a name that answers with
a public address to the check and a private one to the connection (DNS rebinding) gets
nowhere."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings


class Refused(Exception):
    """The URL may not be used; the message says why (it names the address)."""


# Where cloud instance metadata answers: never a webhook receiver, whatever the operator
# allows. All of link-local (AWS, GCP, Azure, OpenStack at 169.254.169.254, ECS at
# 169.254.170.2, and so on), AWS's IPv6 address, Alibaba's and Oracle's.
METADATA_NETWORKS = tuple(ipaddress.ip_network(network) for network in (
    "169.254.0.0/16", "fe80::/10", "fd00:ec2::/64", "100.100.100.200/32", "192.0.0.192/32"))
METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "metadata.goog",
                            "instance-data", "instance-data.ec2.internal"})
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address):
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), or the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if address.sixtofour:
            return address.sixtofour
        if address in NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def _check_metadata(address) -> None:
    for candidate in {address, _embedded_ipv4(address)}:
        if any(candidate in network for network in METADATA_NETWORKS
               if network.version == candidate.version):
            raise Refused(f"{address} is where cloud metadata services answer; webhooks "
                          "never go there, even with CRAFTPATH_WEBHOOK_ALLOW_PRIVATE=1 "
                          "(a link-local or metadata address)")


def _kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What makes an address internal, or None for a public one."""
    address = _embedded_ipv4(address)
    for kind, flag in (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
                       ("link-local", address.is_link_local),
                       ("multicast", address.is_multicast), ("reserved", address.is_reserved),
                       ("private", address.is_private)):
        if flag:
            return kind
    if not address.is_global:  # shared address space (100.64/10) and the like
        return "non-public"
    return None


def _check(address_text: str) -> None:
    address = ipaddress.ip_address(address_text.split("%", 1)[0])  # fe80::1%eth0
    _check_metadata(address)
    if settings.WEBHOOK_ALLOW_PRIVATE:
        return
    kind = _kind(address)
    if kind:
        raise Refused(f"{address} is a {kind} address; webhooks go to public addresses only "
                      "(an operator allows internal ones with CRAFTPATH_WEBHOOK_ALLOW_PRIVATE=1)")


def _parts(url: str) -> tuple[str, str, int]:
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.hostname:
        raise Refused("is not an http(s) address")
    try:
        port = split.port or (443 if split.scheme == "https" else 80)
    except ValueError:
        raise Refused("has a port that is not a number from 0 to 65535") from None
    return split.scheme, split.hostname, port


def _literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def resolve(host: str, port: int) -> list[str]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as failure:
        # A passing failure (the name may resolve later): not a refusal.
        raise OSError(f"the host name {host} does not resolve ({failure})") from None
    return list(dict.fromkeys(info[4][0] for info in found))


def check_registration(url: str) -> None:
    """Refuse a URL whose host is an internal address, or a name that resolves to one. A name
    that does not resolve yet is accepted: delivery checks again, and refuses it then."""
    _, host, port = _parts(url)
    _check_metadata_name(host)
    if not settings.WEBHOOK_ALLOW_PRIVATE and (
            host.lower() == "localhost" or host.lower().endswith(".localhost")):
        raise Refused(f"{host} is this machine; webhooks go to public addresses only "
                      "(an operator allows internal ones with CRAFTPATH_WEBHOOK_ALLOW_PRIVATE=1)")
    if _literal(host):
        _check(host)
        return
    try:
        addresses = resolve(host, port)
    except OSError:
        return
    for address in addresses:
        _check(address)


def _check_metadata_name(host: str) -> None:
    if host.lower().rstrip(".") in METADATA_NAMES:
        raise Refused(f"{host} is a cloud metadata service; webhooks never go there, even "
                      "with CRAFTPATH_WEBHOOK_ALLOW_PRIVATE=1")


def connect_to(url: str) -> str:
    """The address a delivery to `url` connects to: every address the host resolves to is
    checked now (one internal address refuses them all; a metadata address always), and the
    first is used."""
    _, host, port = _parts(url)
    _check_metadata_name(host)
    addresses = [host] if _literal(host) else resolve(host, port)
    for address in addresses:
        _check(address)
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to a checked address, with the URL's host in the Host header."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address; the certificate is verified for the URL's host name."""

    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict, timeout: float,
         keep: int) -> tuple[int, bytes]:
    """POST `body` to `url` at the address `connect_to` checked; returns the status and the
    answer's first `keep` bytes. Redirects are not followed (a redirect could point anywhere):
    a 3xx is an answer like any other, and not a success. Raises Refused, or OSError when the
    connection fails."""
    scheme, host, port = _parts(url)
    address = connect_to(url)
    split = urlsplit(url)
    target = (split.path or "/") + (f"?{split.query}" if split.query else "")
    kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = kind(host, port, address, timeout)
    try:
        connection.request("POST", target, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, answer.read(keep)
    except http.client.HTTPException as failure:
        raise OSError(f"the receiver's answer was not HTTP ({failure})") from None
    finally:
        connection.close()
