"""The C2PA provenance manifest: signed into each finished MP4, read back by verify.

The manifest says the video was created by talkface as trained algorithmic
media (the IPTC digital source type for generative AI output), which
talkface version made it and the video id its watermark carries, and it binds
these to the file's bytes by a hash a signature covers. Changing the video
afterwards makes validation fail.

Signing credential: the user's own certificate chain and private key (PEM
files, given explicitly or by the TALKFACE_SIGN_CERT / TALKFACE_SIGN_KEY
environment variables). Without one, a fresh test credential is made for
each video: a throwaway P-256 key and a certificate whose names say it is a
talkface TEST credential. It is made per video rather than kept because it
proves nothing about who made the video (anyone can mint one), so keeping it
would only link every video from one installation to the next, and would
leave a private key on disk. Nothing goes over the network: no timestamp
authority, no OCSP, no remote manifests.
"""

import datetime
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import c2pa
import cv2
import numpy as np
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from talkface import __version__
from talkface.errors import InputError

SIGN_CERT_ENV = "TALKFACE_SIGN_CERT"
SIGN_KEY_ENV = "TALKFACE_SIGN_KEY"
# IPTC digital source type of media made by a trained model (C2PA's term for generative AI).
TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
# The organisation name on the test certificates; verify reports a signer
# with this issuer as a test credential.
TEST_CREDENTIAL_ISSUER = "talkface TEST credential - not trusted"
# Reading and signing never reach out: remote manifests and certificate
# revocation (OCSP) are not fetched, and no timestamp authority is given.
# Signing keeps its working copy of a video in a temporary file above 8 MB
# rather than in memory: half the peak memory for a long video.
_SETTINGS = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
             "core": {"backing_store_memory_threshold_in_mb": 8}}
# The test certificates live as long as the video might be checked; C2PA
# validates the signature against the certificate's validity at signing time.
_TEST_VALIDITY = datetime.timedelta(days=3650)
_WATERMARK_ASSERTION = "org.talkface.watermark"


@dataclass(frozen=True)
class SigningCredential:
    """certificate_chain: PEM, the signer's certificate first, then its
    issuers; private_key: PEM (unencrypted); algorithm: the C2PA name of the
    signature algorithm, from the key type; is_test: made by talkface."""

    certificate_chain: bytes
    private_key: bytes
    algorithm: str
    is_test: bool


@dataclass(frozen=True)
class Provenance:
    """What a video's manifest says (talkface version, watermark video id as
    hex) and who signs it."""

    credential: SigningCredential
    version: str
    video_id: str


@dataclass(frozen=True)
class Manifest:
    """The active C2PA manifest of a file.

    validation: "Valid" (hashes and signature check out), "Trusted" (and the
    signer is on a trust list), or "Invalid"; failures: the C2PA status codes
    of failed checks, such as ``assertion.bmffHash.mismatch`` for a changed
    file or ``signingCredential.untrusted`` for a signer on no trust list;
    video_id: the watermark's video id (hex) a talkface manifest names."""

    claim_generator: str
    signer: str
    issuer: str
    actions: tuple[str, ...]
    digital_source_types: tuple[str, ...]
    validation: str
    failures: tuple[str, ...]
    video_id: str | None = None

    @property
    def is_test_credential(self) -> bool:
        return self.issuer == TEST_CREDENTIAL_ISSUER

    def summary(self) -> list[str]:
        """Lines for a person: what the manifest claims and whether it holds."""
        tampered = [code for code in self.failures if code != "signingCredential.untrusted"]
        if self.validation == "Invalid" or tampered:
            status = (f"INVALID ({', '.join(tampered) or 'failed validation'}): "
                      "the file or its manifest was changed after signing")
        elif self.validation == "Trusted":
            status = "valid, signer trusted"
        else:
            status = "valid signature, signer not on a trust list"
        signer = f"{self.signer} ({self.issuer})"
        if self.is_test_credential:
            signer += ", a test credential: proves nothing about who made the file"
        sources = ", ".join(source.rsplit("/", 1)[-1] for source in self.digital_source_types)
        return [f"C2PA manifest: {status}",
                f"  claim generator: {self.claim_generator}",
                f"  actions: {', '.join(self.actions) or 'none'}"
                + (f" (digital source type {sources})" if sources else ""),
                f"  signer: {signer}"] + ([f"  watermark video id: {self.video_id}"] if self.video_id else [])


def signing_credential(*, certificate: str | Path | None = None,
                       private_key: str | Path | None = None) -> SigningCredential:
    """The credential videos are signed with: the given certificate chain and
    key files, else those named by TALKFACE_SIGN_CERT and TALKFACE_SIGN_KEY,
    else a fresh test credential.

    Raises:
        InputError: only one of the pair is given, a file is unreadable or
            not PEM, or the key does not belong to the certificate.
    """
    if certificate is None and private_key is None:
        certificate, private_key = os.environ.get(SIGN_CERT_ENV), os.environ.get(SIGN_KEY_ENV)
    if certificate is None and private_key is None:
        return test_credential()
    if certificate is None or private_key is None:
        raise InputError("signing credential", "needs both a certificate chain and its private key, "
                                               "not one of them")
    chain_pem, key_pem = _read(certificate), _read(private_key)
    try:
        chain = x509.load_pem_x509_certificates(chain_pem)
    except ValueError:
        raise InputError(certificate, "not a PEM certificate chain") from None
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as error:
        raise InputError(private_key, f"not an unencrypted PEM private key ({error})") from None
    if not _belongs_to(key, chain[0]):
        raise InputError(private_key, f"is not the key of the first certificate in {certificate}")
    credential = SigningCredential(certificate_chain=chain_pem, private_key=key_pem,
                                   algorithm=_algorithm(key, private_key), is_test=False)
    # C2PA asks more of a certificate than being one: try it on a tiny image
    # now rather than fail after a render.
    probe = cv2.imencode(".png", np.zeros((8, 8, 3), np.uint8))[1].tobytes()
    try:
        _sign(credential, _definition(version=__version__, video_id="0000", title="credential check"),
              "image/png", io.BytesIO(probe), io.BytesIO())
    except c2pa.C2paError as error:
        raise InputError(certificate, f"cannot sign C2PA manifests ({error}); C2PA wants a signing "
                                      "certificate with subject and authority key identifiers, the "
                                      "digitalSignature key usage and an extended key usage such as "
                                      "emailProtection") from None
    return credential


def test_credential() -> SigningCredential:
    """A throwaway test CA and signing certificate (P-256, ES256), labelled
    as a talkface test credential in both names.

    C2PA refuses self-signed signing certificates, hence the CA; its
    profile asks for a digitalSignature key usage and an extended key usage
    such as emailProtection on the signer."""
    now = datetime.datetime.now(datetime.timezone.utc)
    authority_key = ec.generate_private_key(ec.SECP256R1())
    signer_key = ec.generate_private_key(ec.SECP256R1())
    authority = _certificate(_name("talkface test CA"), _name("talkface test CA"), authority_key.public_key(),
                             authority_key, now, is_authority=True)
    signer = _certificate(_name("talkface test signer"), authority.subject, signer_key.public_key(),
                          authority_key, now, is_authority=False)
    pem = serialization.Encoding.PEM
    return SigningCredential(
        certificate_chain=signer.public_bytes(pem) + authority.public_bytes(pem),
        private_key=signer_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()),
        algorithm="es256", is_test=True)


def sign_video(source: str | Path, target: str | Path, *, provenance: Provenance, title: str) -> None:
    """Write ``source`` (an MP4) to ``target`` with a signed C2PA manifest
    naming the video ``title`` (its final file name)."""
    definition = _definition(version=provenance.version, video_id=provenance.video_id, title=title)
    try:
        with open(source, "rb") as unsigned, open(target, "w+b") as signed:
            _sign(provenance.credential, definition, "video/mp4", unsigned, signed)
    except c2pa.C2paError as error:
        raise InputError("signing credential", f"cannot sign the video ({error})") from None


def _definition(*, version: str, video_id: str, title: str) -> dict:
    """The manifest: created by talkface as trained algorithmic media."""
    software = {"name": "talkface", "version": version}
    return {
        "claim_generator_info": [software],
        "title": title,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": [
                {"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA,
                 "softwareAgent": software}]}},
            # Ties the manifest to the invisible watermark in the frames.
            {"label": _WATERMARK_ASSERTION, "data": {"video_id": video_id}},
        ],
    }


def _sign(credential: SigningCredential, definition: dict, mime_type: str, source, target) -> None:
    info = c2pa.C2paSignerInfo(credential.algorithm, credential.certificate_chain, credential.private_key,
                               None)  # no timestamp authority: signing stays offline
    with c2pa.Signer.from_info(info) as signer, c2pa.Context.from_dict(_SETTINGS) as context, \
            c2pa.Builder(definition, context) as builder:
        builder.sign(signer, mime_type, source, target)


def read_manifest(path: str | Path) -> Manifest | None:
    """The active C2PA manifest of a video or image, validated; None if it has none
    (or its format cannot carry one)."""
    try:
        with c2pa.Context.from_dict(_SETTINGS) as context, c2pa.Reader(str(path), context=context) as reader:
            store = json.loads(reader.json())
    except (c2pa.C2paError.ManifestNotFound, c2pa.C2paError.NotSupported):
        return None
    except c2pa.C2paError as error:
        # A manifest is there but broken beyond reading: that is a failed validation.
        return Manifest(claim_generator="unknown", signer="unknown", issuer="unknown", actions=(),
                        digital_source_types=(), validation="Invalid", failures=(str(error),))
    active = store.get("manifests", {}).get(store.get("active_manifest"), {})
    generator = next(iter(active.get("claim_generator_info") or []), {})
    actions = [action for assertion in active.get("assertions", [])
               if assertion.get("label", "").startswith("c2pa.actions")
               for action in assertion.get("data", {}).get("actions", [])]
    marks = [assertion["data"] for assertion in active.get("assertions", [])
             if assertion.get("label") == _WATERMARK_ASSERTION and isinstance(assertion.get("data"), dict)]
    signature = active.get("signature_info", {})
    failed = store.get("validation_results", {}).get("activeManifest", {}).get("failure", [])
    return Manifest(
        claim_generator=" ".join(filter(None, (generator.get("name"), generator.get("version")))) or "unknown",
        signer=signature.get("common_name", "unknown"),
        issuer=signature.get("issuer", "unknown"),
        actions=tuple(action.get("action", "?") for action in actions),
        digital_source_types=tuple(action["digitalSourceType"] for action in actions
                                   if "digitalSourceType" in action),
        validation=store.get("validation_state", "Invalid"),
        failures=tuple(dict.fromkeys(item.get("code", "?") for item in failed)),
        video_id=str(marks[0].get("video_id")) if marks else None)


def _read(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read ({error.strerror or error})") from None


def _belongs_to(key, certificate: x509.Certificate) -> bool:
    """Whether ``key`` signs what ``certificate``'s public key verifies."""
    probe = b"talkface signing credential check"
    public = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePrivateKey):
            public.verify(key.sign(probe, ec.ECDSA(hashes.SHA256())), probe, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPrivateKey):
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
            public.verify(key.sign(probe, pss, hashes.SHA256()), probe, pss, hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PrivateKey):
            public.verify(key.sign(probe), probe)
        else:
            return False
    except (InvalidSignature, TypeError, AttributeError):
        return False
    return True


def _algorithm(key, path: str | Path) -> str:
    """C2PA's signature algorithm for a key: ECDSA by curve, RSA-PSS, or Ed25519."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        by_curve = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}
        if key.curve.name in by_curve:
            return by_curve[key.curve.name]
    elif isinstance(key, rsa.RSAPrivateKey):
        return "ps256"
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    raise InputError(path, "key type not usable for C2PA (use EC P-256/384/521, RSA or Ed25519)")


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, TEST_CREDENTIAL_ISSUER)])


def _certificate(subject: x509.Name, issuer: x509.Name, public_key, issuer_key,
                 now: datetime.datetime, *, is_authority: bool) -> x509.Certificate:
    usage = dict(digital_signature=not is_authority, content_commitment=False, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=is_authority,
                 crl_sign=is_authority, encipher_only=False, decipher_only=False)
    builder = (x509.CertificateBuilder()
               .subject_name(subject).issuer_name(issuer).public_key(public_key)
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(hours=1))  # tolerate clock skew
               .not_valid_after(now + _TEST_VALIDITY)
               .add_extension(x509.BasicConstraints(ca=is_authority, path_length=0 if is_authority else None),
                              critical=True)
               .add_extension(x509.KeyUsage(**usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
    if not is_authority:
        builder = (builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                                         critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                  critical=False))
    return builder.sign(issuer_key, hashes.SHA256())
