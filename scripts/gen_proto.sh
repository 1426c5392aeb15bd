#!/usr/bin/env sh
# Regenerate workers/storage/_filer_pb/ (committed) from workers/storage/proto/filer.proto.
# Usage: scripts/gen_proto.sh   (from anywhere; needs grpcio-tools in .venv)
set -eu

cd "$(dirname "$0")/.."
out=workers/storage/_filer_pb
mkdir -p "$out"

.venv/bin/python -m grpc_tools.protoc \
    --proto_path=workers/storage/proto \
    --python_out="$out" \
    --pyi_out="$out" \
    --grpc_python_out="$out" \
    workers/storage/proto/filer.proto

# protoc writes an absolute import (`import filer_pb2`); make it package-relative.
sed -i 's/^import filer_pb2 as filer__pb2$/from . import filer_pb2 as filer__pb2/' "$out/filer_pb2_grpc.py"
grep -q '^from \. import filer_pb2 as filer__pb2$' "$out/filer_pb2_grpc.py"

cat > "$out/__init__.py" <<'EOF'
"""Generated from workers/storage/proto/filer.proto by scripts/gen_proto.sh. Do not edit."""
EOF

echo "regenerated $out"
