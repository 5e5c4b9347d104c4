"""Build the image tagger's ONNX model from torchvision's MobileNetV2 weights, without torch.

    python scripts/build_tagger.py [ASSETS_DIR]     (default: var/assets)

reads  ASSETS_DIR/models/mobilenet_v2-b0353104.pth   (fetched by scripts/fetch_assets.py)
writes ASSETS_DIR/models/tagger_mobilenet_v2.onnx

Why no torch: a user's machine would download a large torch build only to convert a
14 MB file once. A `.pth` is a pickle whose tensors point at raw little-endian storages
(either appended to the same file, the legacy format torchvision's file uses, or as
members of a zip, the format since torch 1.6), so a restricted `pickle.Unpickler` that
knows only tensors and storages turns it into NumPy arrays; the graph is then written
with the `onnx` package's helpers (a build-time dependency only).

The graph takes what the tagger hands it and does the rest itself:
  image     uint8 [N, 224, 224, 3] RGB, already resized and centre-cropped
  logits    float32 [N, 1000] ImageNet-1k class scores (before softmax)
  features  float32 [N, 1280] the pooled penultimate layer (the embedding)
Each BatchNorm is folded into the convolution before it (inference-time statistics).
"""

from __future__ import annotations

import collections
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "models/mobilenet_v2-b0353104.pth"
TARGET = "models/tagger_mobilenet_v2.onnx"

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255  # torchvision's ImageNet
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255   # preprocessing, on 0..255
BN_EPS = 1e-5  # torch.nn.BatchNorm2d's default, which torchvision's MobileNetV2 keeps
# MobileNetV2's inverted-residual stages (expansion t, channels c, repeats n, stride s),
# from the paper and torchvision; the weights give the channels, not the strides.
STAGES = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
          "LongStorage": np.int64, "IntStorage": np.int32, "ByteStorage": np.uint8}


class _Storage:
    def __init__(self, key: str, dtype) -> None:
        self.key, self.dtype, self.data = key, np.dtype(dtype), None


class _Tensor:
    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def array(self) -> np.ndarray:
        flat = self.storage.data[self.offset:]
        item = flat.itemsize
        return np.lib.stride_tricks.as_strided(flat, self.size, [s * item for s in self.stride]).copy()


def _rebuild_tensor(storage, offset, size, stride, *unused):
    return _Tensor(storage, offset, size, stride)


class _Unpickler(pickle.Unpickler):
    """Knows tensors and storages only: anything else in the file is refused, so a
    malicious `.pth` cannot run code here (unlike `torch.load` with weights_only off)."""

    ALLOWED = {("collections", "OrderedDict"): collections.OrderedDict,
               ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
               ("torch._utils", "_rebuild_tensor"): _rebuild_tensor}

    def __init__(self, file, storages: dict[str, _Storage]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str):
        if module == "torch" and name in DTYPES:
            return DTYPES[name]
        try:
            return self.ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refusing {module}.{name} in a weights file") from None

    def persistent_load(self, pid):
        # ('storage', storage type, key, location, numel[, view metadata])
        _, dtype, key = pid[:3]
        return self.storages.setdefault(str(key), _Storage(str(key), dtype))


def load_state_dict(path: Path) -> dict[str, np.ndarray]:
    storages: dict[str, _Storage] = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            prefix = archive.namelist()[0].split("/")[0]
            state = _Unpickler(archive.open(f"{prefix}/data.pkl"), storages).load()
            for storage in storages.values():
                storage.data = np.frombuffer(archive.read(f"{prefix}/data/{storage.key}"), storage.dtype)
    else:
        with path.open("rb") as f:
            if pickle.load(f) != LEGACY_MAGIC:
                raise ValueError(f"{path} is not a torch weights file")
            pickle.load(f)  # protocol version
            pickle.load(f)  # sys info (byte order, type sizes)
            state = _Unpickler(f, storages).load()
            for key in pickle.load(f):  # storages follow in this order: int64 count, raw data
                storage = storages[key]
                count = int(np.frombuffer(f.read(8), "<i8")[0])
                storage.data = np.frombuffer(f.read(count * storage.dtype.itemsize), storage.dtype)
    return {name: t.array() for name, t in state.items() if isinstance(t, _Tensor)}


class _Graph:
    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.weights, self.nodes, self.initializers, self.count = weights, [], [], 0

    def const(self, array: np.ndarray) -> str:
        self.count += 1
        name = f"c{self.count}"
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, inputs: list[str], **attrs) -> str:
        self.count += 1
        out = f"{op_type.lower()}{self.count}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out

    def conv_bn(self, x: str, conv: str, bn: str, stride: int, relu6: bool) -> str:
        w = self.weights[f"{conv}.weight"]
        scale = self.weights[f"{bn}.weight"] / np.sqrt(self.weights[f"{bn}.running_var"] + BN_EPS)
        bias = self.weights[f"{bn}.bias"] - self.weights[f"{bn}.running_mean"] * scale
        k = w.shape[-1]
        groups = w.shape[0] if w.shape[1] == 1 and k > 1 else 1  # depthwise 3×3
        y = self.op("Conv", [x, self.const(w * scale[:, None, None, None]), self.const(bias)],
                    kernel_shape=[k, k], strides=[stride, stride], pads=[k // 2] * 4, group=groups)
        if relu6:
            y = self.op("Clip", [y, self.const(np.float32(0)), self.const(np.float32(6))])
        return y


def build(weights: dict[str, np.ndarray]) -> onnx.ModelProto:
    g = _Graph(weights)
    x = g.op("Cast", ["image"], to=TensorProto.FLOAT)
    x = g.op("Div", [g.op("Sub", [x, g.const(MEAN)]), g.const(STD)])
    x = g.op("Transpose", [x], perm=[0, 3, 1, 2])
    x = g.conv_bn(x, "features.0.0", "features.0.1", 2, True)
    index, channels = 1, 32
    for t, c, n, s in STAGES:
        for i in range(n):
            stride, p = (s if i == 0 else 1), f"features.{index}.conv"
            y, layer = x, 0
            if t != 1:  # 1×1 expansion
                y = g.conv_bn(y, f"{p}.0.0", f"{p}.0.1", 1, True)
                layer = 1
            y = g.conv_bn(y, f"{p}.{layer}.0", f"{p}.{layer}.1", stride, True)  # depthwise
            y = g.conv_bn(y, f"{p}.{layer + 1}", f"{p}.{layer + 2}", 1, False)  # linear bottleneck
            x = g.op("Add", [x, y]) if stride == 1 and channels == c else y
            index, channels = index + 1, c
    x = g.conv_bn(x, f"features.{index}.0", f"features.{index}.1", 1, True)
    features = g.op("Flatten", [g.op("GlobalAveragePool", [x])])
    logits = g.op("Gemm", [features, g.const(weights["classifier.1.weight"]),
                           g.const(weights["classifier.1.bias"])], transB=1)
    g.nodes.append(helper.make_node("Identity", [features], ["features"]))
    g.nodes.append(helper.make_node("Identity", [logits], ["logits"]))
    graph = helper.make_graph(
        g.nodes, "tagger_mobilenet_v2",
        [helper.make_tensor_value_info("image", TensorProto.UINT8, ["N", 224, 224, 3])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 1000]),
         helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 1280])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="affectweb")
    model.ir_version = 8  # readable by any onnxruntime since 1.10
    model.doc_string = "torchvision MobileNetV2 (ImageNet-1k, mobilenet_v2-b0353104.pth), BatchNorm folded"
    onnx.checker.check_model(model)
    return model


def main(assets: Path) -> int:
    source, target = assets / SOURCE, assets / TARGET
    if not source.is_file():
        print(f"error: {source} is missing; run scripts/fetch_assets.py first", file=sys.stderr)
        return 1
    partial = target.with_suffix(".onnx.part")
    onnx.save(build(load_state_dict(source)), partial)
    partial.replace(target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "assets"))
