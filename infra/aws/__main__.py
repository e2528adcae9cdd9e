"""`python -m infra.aws package|deploy|bootstrap`: build, deploy and seed the cloud stack."""

from __future__ import annotations

import argparse
import os
import sys

from infra.aws.deploy import DeployError
from infra.aws.package import PackageError

STACK_ENV = "GUICHET_STACK"
BUCKET_ENV = "GUICHET_DEPLOY_BUCKET"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m infra.aws", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)
    commands.add_parser("package", help="write infra/aws/build/ (sam.json, deployment.zip); no AWS call")
    deploy = commands.add_parser("deploy", help="package, upload to S3, create or update the stack")
    deploy.add_argument("--stack", default=os.environ.get(STACK_ENV), help=f"stack name (or ${STACK_ENV})")
    deploy.add_argument("--bucket", default=os.environ.get(BUCKET_ENV), help=f"S3 bucket (or ${BUCKET_ENV})")
    deploy.add_argument("--region", help="AWS region (default: AWS_REGION / your AWS config)")
    deploy.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a stack parameter, e.g. PublicUrl, PaymentProvider, StripeSecretArn, MailFrom (repeatable; "
        "others keep their value; docs/deploy.md lists them)",
    )
    deploy.add_argument(
        "--test-stack",
        action="store_true",
        help="a stack that sells nothing real (TestStack=true): allows PaymentProvider=simulated",
    )
    boot = commands.add_parser("bootstrap", help="create the first organisation and administrator")
    boot.add_argument("--stack", default=os.environ.get(STACK_ENV), help=f"stack name (or ${STACK_ENV})")
    boot.add_argument("--org", required=True, help="organisation id, e.g. my-theatre")
    boot.add_argument("--login", required=True, help="the administrator's login")
    boot.add_argument("--name", help="the organisation's display name (default: its id)")
    boot.add_argument("--region", help="AWS region (default: AWS_REGION / your AWS config)")
    return main


def require(args: argparse.Namespace, main: argparse.ArgumentParser, *pairs: tuple[str, str]) -> None:
    missing = [f"--{option} (or {env})" for option, env in pairs if not getattr(args, option)]
    if missing:
        main.error(f"{args.command} needs {' and '.join(missing)}")


def run(args: argparse.Namespace, main: argparse.ArgumentParser) -> None:
    if args.command == "package":
        from infra.aws.package import package

        print(f"Packaged: {package().template}")
    elif args.command == "deploy":
        require(args, main, ("stack", STACK_ENV), ("bucket", BUCKET_ENV))
        from infra.aws.deploy import deploy

        parameters = {}
        for pair in args.parameter:
            key, sep, value = pair.partition("=")
            if not sep or not key:
                main.error(f"--parameter wants KEY=VALUE, not {pair!r}")
            parameters[key] = value
        if args.test_stack:
            parameters["TestStack"] = "true"
        for key, value in sorted(deploy(args.stack, args.bucket, args.region, parameters).items()):
            print(f"  {key}: {value}")
    else:
        require(args, main, ("stack", STACK_ENV))
        from infra.aws.bootstrap import bootstrap

        created = bootstrap(args.stack, args.org, args.login, args.name, args.region)
        state = "created" if created else "already existed; its administrator is ensured"
        print(f"Organisation {args.org} {state}. Log in at the stack's AdminURL as {args.login}.")


def main(argv: list[str] | None = None) -> int:
    main_parser = parser()
    args = main_parser.parse_args(argv)
    try:
        run(args, main_parser)
    except (DeployError, PackageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
