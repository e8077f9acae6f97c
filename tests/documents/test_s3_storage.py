"""The documents store on S3-compatible object storage (django-storages), against a local S3
server: moto's server mode, started here on the loopback address, so CI needs nothing else."""

import socket

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import DocumentVersion
from tests.documents import samples


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def s3(settings, monkeypatch):
    import boto3
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="eu-west-2")
    client.create_bucket(
        Bucket="cp-documents", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "cp-documents",
                "endpoint_url": endpoint,
                "region_name": "eu-west-2",
                "location": "documents",
                "default_acl": "private",
                "file_overwrite": False,
                "querystring_auth": True,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
    }
    yield client
    server.stop()


def test_upload_download_and_removal_through_s3(
    world, login, s3, django_capture_on_commit_callbacks
):
    assert type(storages["documents"]).__name__ == "S3Storage"
    client = login(world.social_worker)
    response = client.post(
        reverse("documents:upload", args=[world.child.pk]),
        {
            "title": "Police report",
            "document_type": "agency_report",
            "agency": "police",
            "document_date": "2026-11-20",
            "file": SimpleUploadedFile("police.pdf", samples.pdf("from the police")),
        },
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    key = f"documents/{version.file.name}"
    stored = s3.get_object(Bucket="cp-documents", Key=key)
    assert stored["Body"].read() == samples.pdf("from the police")
    assert stored["ServerSideEncryption"] == "AES256"
    grants = s3.get_object_acl(Bucket="cp-documents", Key=key)["Grants"]
    assert all("AllUsers" not in str(g.get("Grantee")) for g in grants)  # never public
    download = client.get(reverse("documents:download", args=[world.child.pk, version.document_id]))
    assert b"".join(download.streaming_content) == samples.pdf("from the police")
    assert (
        login(world.other_team_worker)
        .get(reverse("documents:download", args=[world.child.pk, version.document_id]))
        .status_code
        == 404
    )
    client = login(world.social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("documents:remove", args=[world.child.pk, version.document_id]),
            {"reason": "Duplicate", "version": version.document.version},
        )
    assert s3.list_objects_v2(Bucket="cp-documents").get("KeyCount") == 0
