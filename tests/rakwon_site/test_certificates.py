"""manage.py make_certificates: a local CA, kept and reused, and server certificates it signs."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import stat
import threading
from io import StringIO

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.management import CommandError, call_command


def _make(tmp_path, *hosts: str) -> str:
    out = StringIO()
    call_command("make_certificates", *hosts, "--dir", str(tmp_path), stdout=out)
    return out.getvalue()


def _certificate(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_authority_and_server_certificate_are_written_with_private_keys_0600(tmp_path):
    _make(tmp_path, "expo.lan", "192.168.0.10")
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in tmp_path.iterdir()}
    assert modes == {"ca.key": 0o600, "ca.crt": 0o644, "server.key": 0o600, "server.crt": 0o644}
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700


def test_server_certificate_names_every_host_and_is_signed_by_the_authority(tmp_path):
    _make(tmp_path, "expo.lan", "192.168.0.10", "fd00::1")
    ca, server = _certificate(tmp_path / "ca.crt"), _certificate(tmp_path / "server.crt")
    server.verify_directly_issued_by(ca)
    names = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["expo.lan"]
    assert names.get_values_for_type(x509.IPAddress) == [
        ipaddress.ip_address("192.168.0.10"),
        ipaddress.ip_address("fd00::1"),
    ]
    usage = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    lifetime = server.not_valid_after_utc - server.not_valid_before_utc
    assert lifetime.days <= 398  # Apple devices refuse longer


def test_second_run_reuses_the_authority_and_replaces_the_server_certificate(tmp_path):
    _make(tmp_path, "expo.lan")
    first_ca, first_key = (tmp_path / "ca.crt").read_bytes(), (tmp_path / "ca.key").read_bytes()
    first_server = (tmp_path / "server.crt").read_bytes()
    out = _make(tmp_path, "expo.lan", "hall.lan")
    assert out.startswith(f"Reusing the certificate authority in {tmp_path / 'ca.crt'}\n")
    assert ((tmp_path / "ca.crt").read_bytes(), (tmp_path / "ca.key").read_bytes()) == (first_ca, first_key)
    assert (tmp_path / "server.crt").read_bytes() != first_server
    _certificate(tmp_path / "server.crt").verify_directly_issued_by(_certificate(tmp_path / "ca.crt"))


def test_output_says_what_to_do_next(tmp_path):
    out = _make(tmp_path, "expo.lan", "10.1.2.3")
    assert out.startswith(f"New certificate authority: {tmp_path / 'ca.crt'}\n")
    assert f"daphne -e ssl:443:privateKey={tmp_path / 'server.key'}:certKey={tmp_path / 'server.crt'}" in out
    assert "Set HTTPS=1 and ALLOWED_HOSTS=expo.lan,10.1.2.3" in out
    assert f"Install {tmp_path / 'ca.crt'} on every visitor's device" in out


@pytest.mark.parametrize("host", ["bad host", "lead-.lan", "exa_mple.lan", "a..b", "300.1.1.1", "1.2.3", ""])
def test_a_host_that_is_neither_name_nor_address_is_refused(tmp_path, host):
    with pytest.raises(CommandError, match="is neither an IP address nor a host name"):
        _make(tmp_path, host)
    assert list(tmp_path.iterdir()) == []


def test_authority_certificate_without_its_key_is_not_silently_replaced(tmp_path):
    _make(tmp_path, "expo.lan")
    (tmp_path / "ca.key").unlink()
    ca_before = (tmp_path / "ca.crt").read_bytes()
    with pytest.raises(CommandError, match=r"ca\.crt exists but .*ca\.key does not"):
        _make(tmp_path, "expo.lan")
    assert (tmp_path / "ca.crt").read_bytes() == ca_before


def test_mismatched_authority_pair_is_refused(tmp_path):
    _make(tmp_path / "one", "expo.lan")
    _make(tmp_path / "two", "expo.lan")
    (tmp_path / "one" / "ca.key").write_bytes((tmp_path / "two" / "ca.key").read_bytes())
    with pytest.raises(CommandError, match="does not belong to"):
        _make(tmp_path / "one", "expo.lan")


def test_lifetime_beyond_what_devices_accept_is_refused(tmp_path):
    with pytest.raises(CommandError, match="--days must be between 1 and 825"):
        call_command("make_certificates", "expo.lan", "--dir", str(tmp_path), "--days", "900")


def test_a_tls_client_trusting_only_the_authority_accepts_the_server(tmp_path):
    """A real handshake on loopback: what a visitor's browser does once the CA is installed."""
    _make(tmp_path, "expo.lan", "127.0.0.1")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "server.crt", tmp_path / "server.key")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve(count: int) -> None:
        for _ in range(count):
            connection, _address = listener.accept()
            try:
                with server_context.wrap_socket(connection, server_side=True) as tls:
                    tls.sendall(b"hello")
            except ssl.SSLError:
                pass  # the client refusing is what the second handshake checks

    thread = threading.Thread(target=serve, args=(2,), daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(tmp_path / "ca.crt"))
    try:
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            client_context.wrap_socket(raw, server_hostname="expo.lan") as tls,
        ):
            assert tls.recv(5) == b"hello"
        with (
            socket.create_connection(("127.0.0.1", port), timeout=5) as raw,
            pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"),
        ):
            client_context.wrap_socket(raw, server_hostname="other.lan")
    finally:
        thread.join(timeout=5)
        listener.close()
