"""Minimal safetensors writer (the format tch reads with `Tensor::read_safetensors`), so the
reference scripts need nothing beyond torch. Format: u64 little-endian header length, a JSON
header {name: {dtype, shape, data_offsets}}, then the raw little-endian bytes."""
import json
import struct

import torch

_DTYPES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8"}
_BY_NAME = {v: k for k, v in _DTYPES.items()}


def load(path):
    """Reads a safetensors file (as tch writes it) into {name: tensor}."""
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        raw = torch.tensor(list(data[start:end]), dtype=torch.uint8)
        out[name] = raw.view(_BY_NAME[info["dtype"]]).reshape(info["shape"]).clone()
    return out


def save(path, tensors, metadata=None):
    """Writes {name: tensor} to `path` (tensors are made contiguous and moved to the CPU)."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        # No numpy in the venv: go through a byte view (fixtures are kept small).
        raw = bytes(t.reshape(-1).view(torch.uint8).tolist())
        header[name] = {"dtype": _DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for b in blobs:
            f.write(b)
