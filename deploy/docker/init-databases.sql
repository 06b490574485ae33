-- One database per service, as in Kubernetes; run once by the postgres image at first start.
CREATE DATABASE ulidmesh_resolution;
CREATE DATABASE ulidmesh_flags;
CREATE DATABASE ulidmesh_migration;
CREATE DATABASE ulidmesh_rollout;
