"""Every rendered video carries a signed C2PA manifest; verify reads it, and it breaks when the video changes."""

import dataclasses
import datetime

import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from talkface.errors import InputError
from talkface.media.provenance import (SIGN_CERT_ENV, SIGN_KEY_ENV, TRAINED_ALGORITHMIC_MEDIA, Provenance,
                                       read_manifest, signing_credential)
from talkface.media.verify import verify
from talkface.media.video_writer import VideoWriter


def test_a_rendered_video_carries_a_valid_manifest_verify_reports(rendered_verification):
    result = rendered_verification
    manifest = result.manifest
    assert manifest is not None
    assert manifest.validation == "Valid"
    # The default test credential is on no trust list; nothing else may fail.
    assert manifest.failures == ("signingCredential.untrusted",)
    assert manifest.claim_generator == "talkface 0.1.0"
    assert manifest.actions == ("c2pa.created",)
    assert manifest.digital_source_types == (TRAINED_ALGORITHMIC_MEDIA,)
    assert manifest.is_test_credential
    # The manifest names the video id the watermark in the frames carries,
    # and the manifest did not disturb the watermark.
    assert result.detection.found
    assert manifest.video_id == f"{result.detection.payload.video_id:04x}"
    lines = result.summary().splitlines()
    assert lines[0].startswith("synthetic: talkface watermark found (confidence ")
    assert "C2PA manifest: valid signature, signer not on a trust list" in lines
    assert any("test credential" in line for line in lines)


def test_changing_the_video_stream_fails_validation(rendered, tmp_path):
    data = bytearray(rendered.read_bytes())
    start = data.index(b"mdat") + 20_000
    data[start:start + 64] = bytes(255 - byte for byte in data[start:start + 64])
    changed = tmp_path / "changed.mp4"
    changed.write_bytes(bytes(data))
    manifest = read_manifest(changed)
    assert manifest.validation == "Invalid"
    assert "assertion.bmffHash.mismatch" in manifest.failures
    assert manifest.summary()[0].startswith("C2PA manifest: INVALID (assertion.bmffHash.mismatch)")


def _write_clip(path, provenance):
    rng = np.random.default_rng(1)
    with VideoWriter(path, fps=25, size=(64, 64), provenance=provenance) as writer:
        for _ in range(10):
            writer.write(rng.integers(0, 256, (64, 64, 3), dtype=np.uint8))


def _user_chain(folder, *, key_identifiers=True):
    """A P-384 signing certificate from the user's own CA, as PEM files; C2PA
    refuses one without the key identifier extensions."""
    now = datetime.datetime.now(datetime.timezone.utc)

    def name(common_name):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Newsroom")])

    def certificate(subject, issuer, key, issuer_key, is_authority):
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=is_authority, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=not is_authority, content_commitment=False,
                                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                                             key_cert_sign=is_authority, crl_sign=is_authority,
                                             encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False))
        if key_identifiers:
            builder = (builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                                             critical=False)
                       .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                                      critical=False))
        return builder.sign(issuer_key, hashes.SHA384())

    authority_key, key = ec.generate_private_key(ec.SECP384R1()), ec.generate_private_key(ec.SECP384R1())
    pem = serialization.Encoding.PEM
    authority = certificate(name("Example Root"), name("Example Root"), authority_key, authority_key, True)
    chain = certificate(name("Example Signer"), authority.subject, key, authority_key, False).public_bytes(pem) \
        + authority.public_bytes(pem)
    (folder / "chain.pem").write_bytes(chain)
    (folder / "key.pem").write_bytes(key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    return folder / "chain.pem", folder / "key.pem"


def test_the_users_credential_signs_from_arguments_or_environment(tmp_path, monkeypatch):
    certificate, key = _user_chain(tmp_path)
    credential = signing_credential(certificate=certificate, private_key=key)
    assert credential.algorithm == "es384" and not credential.is_test
    _write_clip(tmp_path / "signed.mp4", Provenance(credential=credential, version="0.1.0", video_id="00ff"))
    manifest = read_manifest(tmp_path / "signed.mp4")
    assert manifest.validation == "Valid" and manifest.failures == ("signingCredential.untrusted",)
    assert (manifest.signer, manifest.issuer) == ("Example Signer", "Example Newsroom")
    assert not manifest.is_test_credential and manifest.video_id == "00ff"

    monkeypatch.setenv(SIGN_CERT_ENV, str(certificate))
    monkeypatch.setenv(SIGN_KEY_ENV, str(key))
    assert signing_credential() == credential
    monkeypatch.delenv(SIGN_KEY_ENV)
    with pytest.raises(InputError, match="needs both"):
        signing_credential()


def test_unusable_credentials_are_refused_before_anything_is_written(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "bare").mkdir()
    certificate, key = _user_chain(tmp_path)
    _, other_key = _user_chain(tmp_path / "other")
    with pytest.raises(InputError, match="is not the key of"):
        signing_credential(certificate=certificate, private_key=other_key)
    with pytest.raises(InputError, match="not a PEM certificate"):
        signing_credential(certificate=key, private_key=key)
    bare, bare_key = _user_chain(tmp_path / "bare", key_identifiers=False)
    with pytest.raises(InputError, match="cannot sign C2PA manifests"):
        signing_credential(certificate=bare, private_key=bare_key)


def test_a_failed_signing_leaves_no_file(tmp_path):
    certificate, key = _user_chain(tmp_path)
    good = signing_credential(certificate=certificate, private_key=key)
    # A chain that no longer parses: signing fails after the video is encoded.
    broken = Provenance(credential=dataclasses.replace(good, certificate_chain=good.certificate_chain[:-40]),
                        version="0.1.0", video_id="0000")
    out = tmp_path / "clips" / "clip.mp4"
    out.parent.mkdir()
    with pytest.raises(InputError, match="cannot sign the video"):
        _write_clip(out, broken)
    assert list(out.parent.iterdir()) == []
