"""A Crackerjack-style client of resolution-service, from stubs generated from proto/.

Crackerjack (the seed's test runner, on SQLite) gives each job a ULID: it registers a run, then its
jobs with the run as a related ULID, resolves them back, and traces a job to its run and siblings.
This script does the same over gRPC with a bearer token, the way the Python ecosystem would, and
checks every answer. It prints one JSON line with what it registered and exits 0, or says what
went wrong and exits 1.

    python3 crackerjack_client.py --address HOST:PORT --token-file FILE --stubs DIR

DIR holds the stubs: protoc -I proto/src/main/proto --python_out=DIR --grpc_out=DIR
--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin ulidmesh/resolution/v1/resolution.proto
"""
import argparse
import json
import re
import sys

ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")


def fail(message):
    print("crackerjack client: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--stubs", required=True)
    parser.add_argument("--run", default="run-2026-01-02")
    args = parser.parse_args()

    sys.path.insert(0, args.stubs)
    import grpc
    from ulidmesh.resolution.v1 import resolution_pb2 as pb
    from ulidmesh.resolution.v1 import resolution_pb2_grpc as rpc

    with open(args.token_file, encoding="utf-8") as f:
        token = f.read().strip()
    auth = [("authorization", "Bearer " + token)]

    with grpc.insecure_channel(args.address) as channel:
        registry = rpc.ResolutionServiceStub(channel)

        # Without a token the registry refuses, before doing anything.
        try:
            registry.GetStats(pb.GetStatsRequest(), timeout=10)
            fail("GetStats without a token was accepted")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.UNAUTHENTICATED, "without a token: expected UNAUTHENTICATED, got %s" % e.code())

        run = registry.Register(pb.RegisterRequest(system="crackerjack", reference_type="run", reference=args.run,
                                                   metadata={"python": "tests/"}), metadata=auth, timeout=10)
        check(ULID.match(run.ulid), "the run's ULID %r is not a ULID" % run.ulid)

        jobs = []
        for i, test_file in enumerate(["tests/test_api.py", "tests/test_models.py", "tests/test_cli.py"]):
            job = registry.Register(pb.RegisterRequest(system="crackerjack", reference_type="job",
                                                       reference="%s/job-%d" % (args.run, i + 1),
                                                       metadata={"test_file": test_file},
                                                       related_ulids=[run.ulid]), metadata=auth, timeout=10)
            check(job.registered_by != "", "registered_by is empty")
            jobs.append(job)
        ulids = [j.ulid for j in jobs]
        check(ulids == sorted(ulids), "job ULIDs are not in time order: %s" % ulids)

        # Registering the same content again is idempotent.
        again = registry.Register(pb.RegisterRequest(ulid=jobs[0].ulid, system="crackerjack", reference_type="job",
                                                     reference=jobs[0].reference, metadata={"test_file": "tests/test_api.py"},
                                                     related_ulids=[run.ulid]), metadata=auth, timeout=10)
        check(again.ulid == jobs[0].ulid, "registering again changed the ULID")

        for job in jobs:
            resolved = registry.Resolve(pb.ResolveRequest(ulid=job.ulid.lower()), metadata=auth, timeout=10)
            check(resolved.system == "crackerjack" and resolved.reference == job.reference,
                  "resolve %s gave %s/%s" % (job.ulid, resolved.system, resolved.reference))
            check(resolved.metadata["test_file"] == job.metadata["test_file"], "metadata lost for %s" % job.ulid)

        batch = registry.BatchResolve(pb.BatchResolveRequest(ulids=ulids + ["7ZZZZZZZZZZZZZZZZZZZZZZZZZ"]), metadata=auth, timeout=10)
        check([r.ulid for r in batch.references] == ulids, "batch resolve order: %s" % [r.ulid for r in batch.references])
        check(list(batch.missing) == ["7ZZZZZZZZZZZZZZZZZZZZZZZZZ"], "batch resolve missing: %s" % list(batch.missing))

        # A job traces to its run in one hop, and to its sibling jobs in two.
        one = registry.Trace(pb.TraceRequest(ulid=jobs[1].ulid, max_depth=1), metadata=auth, timeout=10)
        check([r.ulid for r in one.related] == [run.ulid], "trace depth 1 of job 2: %s" % [r.ulid for r in one.related])
        two = registry.Trace(pb.TraceRequest(ulid=jobs[1].ulid, max_depth=2), metadata=auth, timeout=10)
        related = sorted(r.ulid for r in two.related)
        check(related == sorted([run.ulid, jobs[0].ulid, jobs[2].ulid]), "trace depth 2 of job 2: %s" % related)
        check(all(e.relation == "related" and e.to_ulid == run.ulid for e in two.edges), "edges: %s" % two.edges)

        try:
            registry.Resolve(pb.ResolveRequest(ulid="not-a-ulid"), metadata=auth, timeout=10)
            fail("a malformed ULID was accepted")
        except grpc.RpcError as e:
            check(e.code() == grpc.StatusCode.INVALID_ARGUMENT, "malformed ULID: expected INVALID_ARGUMENT, got %s" % e.code())

    print(json.dumps({"run": run.ulid, "jobs": ulids, "traced": len(two.related), "registered_by": jobs[0].registered_by}))


if __name__ == "__main__":
    main()
