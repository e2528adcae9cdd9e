"""What distributors need in the cloud: the bucket of their files (allotment exports, sales files), and
what reaching a distributor takes (its files, its interface's password). Their schedules' group and role
are with the other workflows' (infra/aws/workflows.py)."""

from __future__ import annotations

from typing import Any

from infra.aws import iam, names

FILES_BUCKET = "FilesBucket"


def files_bucket() -> dict[str, Any]:
    """Private, encrypted, versioned (an overwritten sales file can be read again), kept with the stack's
    tables; old versions and unfinished uploads go after 90 and 7 days."""
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {
                "Rules": [
                    {
                        "Id": "old-versions-and-uploads",
                        "Status": "Enabled",
                        "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                    }
                ]
            },
        },
    }


def bucket_policy() -> dict[str, Any]:
    """TLS only."""
    bucket = names.get_arn(FILES_BUCKET)
    objects = {"Fn::Sub": "${" + FILES_BUCKET + ".Arn}/*"}
    deny = {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket, objects],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": names.ref(FILES_BUCKET), "PolicyDocument": iam.document(deny)},
    }


def file_statements() -> list[dict[str, Any]]:
    """Read, write, list and move the distributors' files (a move is a copy and a delete)."""
    objects = {"Fn::Sub": "${" + FILES_BUCKET + ".Arn}/distributors/*"}
    return [
        iam.statement(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [objects]),
        iam.statement(["s3:ListBucket"], [names.get_arn(FILES_BUCKET)]),
    ]


def secret_statements() -> list[dict[str, Any]]:
    """An adapter logs in with its interface's password."""
    secrets = names.arn("secretsmanager", "secret:${AWS::StackName}-distributors/*")
    return [iam.statement(["secretsmanager:GetSecretValue"], [secrets])]


def resources() -> dict[str, dict[str, Any]]:
    return {FILES_BUCKET: files_bucket(), FILES_BUCKET + "Policy": bucket_policy()}


def environment() -> dict[str, Any]:
    return {"GUICHET_FILES_BUCKET": names.ref(FILES_BUCKET)}
