"""General image and video tagging: a pretrained ImageNet-1k classifier plus face tags.

Plain Python (no Django): the Clarifai-compatible API in `affectweb.tagapi` calls it,
and so can anything else. The model is torchvision's MobileNetV2, converted to ONNX by
`scripts/build_tagger.py` and run with onnxruntime (see docs/models.md).
"""
