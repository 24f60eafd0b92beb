"""HTTPS on a closed network: a local certificate authority and a server certificate signed by it.

No public CA can see a LAN, so Rakwon brings its own: the CA (made once, kept, reused) signs a
certificate for the host names and IP addresses visitors type. Visitors install the CA certificate
once (docs/deploy.md says how on each system) and every certificate it signs later is trusted.

Files under TLS_DIR (default var/tls/): ca.crt (give this to visitors), ca.key (never leaves the
server), server.crt and server.key (for daphne or nginx). Private keys are written 0600.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

CA_DAYS = 3650
# Apple platforms refuse server certificates valid for longer than 825 days even from a private
# CA, and browsers are moving to shorter lives: 397 days is accepted everywhere.
SERVER_DAYS = 397
_DNS_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def parse_host(raw: str) -> x509.GeneralName:
    """An IP address or a DNS name (a leading ``*.`` is allowed), as a subjectAltName entry."""
    host = raw.strip().lower().strip("[]")
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        pass
    labels = host.removeprefix("*.").rstrip(".").split(".")
    # An all-digit last label is a mistyped IP address (300.1.1.1), never a name (RFC 3696).
    valid = all(_DNS_LABEL.match(label) for label in labels) and not labels[-1].isdigit()
    if not host or len(host) > 253 or not valid:
        raise CommandError(
            _("“%(host)s” is neither an IP address nor a host name: use names like expo.lan or 192.168.0.10.")
            % {"host": raw}
        )
    return x509.DNSName(host.rstrip("."))


def write_private(path: Path, data: bytes) -> None:
    """Write a file only its owner can read, created that way (never briefly world-readable)."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def write_public(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def new_certificate_authority(name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def load_certificate_authority(key_path: Path, cert_path: Path):
    """The existing CA, checked: both files, a matching pair, still valid."""
    if key_path.exists() != cert_path.exists():
        present, missing = (key_path, cert_path) if key_path.exists() else (cert_path, key_path)
        raise CommandError(
            _(
                "%(present)s exists but %(missing)s does not: restore the missing file from a backup, "
                "or move both away to start a new authority (visitors must then install the new one)."
            )
            % {"present": present, "missing": missing}
        )
    if not key_path.exists():
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if certificate.public_key().public_numbers() != key.public_key().public_numbers():
        raise CommandError(
            _("%(key)s does not belong to %(cert)s: restore the matching pair from a backup.")
            % {"key": key_path, "cert": cert_path}
        )
    if certificate.not_valid_after_utc <= datetime.datetime.now(datetime.UTC):
        raise CommandError(
            _("The authority in %(cert)s has expired: move ca.crt and ca.key away and run this again.")
            % {"cert": cert_path}
        )
    return key, certificate


def new_server_certificate(
    names: list[x509.GeneralName], ca_key, ca_certificate: x509.Certificate, days: int
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    first = names[0].value
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, str(first))]))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(min(now + datetime.timedelta(days=days), ca_certificate.not_valid_after_utc))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_certificate.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


class Command(BaseCommand):
    help = (
        "Create (once) a local certificate authority and (each time) a server certificate for the "
        "given host names and IP addresses, under TLS_DIR (var/tls/)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "hosts", nargs="+", help="Host names and IP addresses visitors use, e.g. expo.lan"
        )
        parser.add_argument(
            "--ca-name",
            default="Rakwon local CA",
            help="Name of a new authority (shown on visitors' devices).",
        )
        parser.add_argument("--days", type=int, default=SERVER_DAYS, help="Server certificate lifetime.")
        parser.add_argument("--dir", default=None, help="Folder to write to (default: TLS_DIR).")

    def handle(self, *args, **options) -> None:
        names = [parse_host(host) for host in options["hosts"]]
        if not 1 <= options["days"] <= 825:
            raise CommandError(_("--days must be between 1 and 825 (devices refuse longer)."))
        folder = Path(options["dir"] or settings.TLS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
        paths = {name: folder / name for name in ("ca.key", "ca.crt", "server.key", "server.crt")}

        existing = load_certificate_authority(paths["ca.key"], paths["ca.crt"])
        if existing is None:
            ca_key, ca_certificate = new_certificate_authority(options["ca_name"])
            write_private(paths["ca.key"], key_pem(ca_key))
            write_public(paths["ca.crt"], ca_certificate.public_bytes(serialization.Encoding.PEM))
            self.stdout.write(_("New certificate authority: %(path)s") % {"path": paths["ca.crt"]})
        else:
            ca_key, ca_certificate = existing
            self.stdout.write(_("Reusing the certificate authority in %(path)s") % {"path": paths["ca.crt"]})

        key, certificate = new_server_certificate(names, ca_key, ca_certificate, options["days"])
        write_private(paths["server.key"], key_pem(key))
        write_public(paths["server.crt"], certificate.public_bytes(serialization.Encoding.PEM))
        hosts = ", ".join(str(name.value) for name in names)
        self.stdout.write(
            _("Server certificate for %(hosts)s, valid until %(date)s: %(path)s")
            % {"hosts": hosts, "date": certificate.not_valid_after_utc.date(), "path": paths["server.crt"]}
        )
        self.stdout.write(self.next_steps(paths, ca_certificate, names))

    def next_steps(self, paths: dict[str, Path], ca_certificate: x509.Certificate, names) -> str:
        dns = [str(name.value) for name in names]
        lines = [
            "",
            _("Next:"),
            _("1. Serve HTTPS with nginx (deploy/nginx/rakwon.conf):"),
            f"     ssl_certificate     {paths['server.crt']};",
            f"     ssl_certificate_key {paths['server.key']};",
            "   " + _("or with daphne alone:"),
            f"     daphne -e ssl:443:privateKey={paths['server.key']}:certKey={paths['server.crt']} "
            "rakwon_site.asgi:application",
            _("2. Set HTTPS=1 and ALLOWED_HOSTS=%(hosts)s in the environment file.")
            % {"hosts": ",".join(dns)},
            _("3. Install %(path)s on every visitor's device (docs/deploy.md, “Trusting the certificate”).")
            % {"path": paths["ca.crt"]},
            "   "
            + _("Its SHA-256 fingerprint, to compare on the device: %(fingerprint)s")
            % {"fingerprint": fingerprint(ca_certificate)},
            _("Keep %(path)s secret and backed up: whoever has it can impersonate any site to those devices.")
            % {"path": paths["ca.key"]},
        ]
        return "\n".join(lines)
