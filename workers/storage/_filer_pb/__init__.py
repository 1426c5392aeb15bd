"""Generated from workers/storage/proto/filer.proto by scripts/gen_proto.sh. Do not edit."""
