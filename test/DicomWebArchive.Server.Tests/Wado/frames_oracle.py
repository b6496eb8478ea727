"""What pydicom says each frame of a file is, as little-endian bytes, for the WADO-RS frame tests.

usage: frames_oracle.py FILE...  -> {file: {"syntax": uid, "frames": [sha256 hex, ...]} | null | {"error": text}}
Native frames of big-endian files are byte-swapped by Bits Allocated, since the archive sends frames little endian.
"""
import hashlib
import json
import sys
import warnings

import numpy
import pydicom
from pydicom.encaps import generate_pixel_data_frame


def frames(path):
    ds = pydicom.dcmread(path)
    if "PixelData" not in ds:
        return None
    count = int(ds.get("NumberOfFrames", 1) or 1)
    data = ds.PixelData
    syntax = ds.file_meta.TransferSyntaxUID
    if syntax.is_compressed:
        parts = list(generate_pixel_data_frame(data, count))
    else:
        samples = ds.get("SamplesPerPixel", 1)
        if samples == 3 and ds.get("PhotometricInterpretation") in ("YBR_FULL_422", "YBR_PARTIAL_422"):
            samples = 2
        size = ds.Rows * ds.Columns * samples * ds.BitsAllocated // 8
        parts = [data[i * size:(i + 1) * size] for i in range(count)]
        if not syntax.is_little_endian and ds.BitsAllocated in (16, 32, 64):
            width = ds.BitsAllocated // 8
            parts = [numpy.frombuffer(p, dtype=">u%d" % width).astype("<u%d" % width).tobytes() for p in parts]
    return {"syntax": str(syntax), "frames": [hashlib.sha256(p).hexdigest() for p in parts]}


def main():
    warnings.simplefilter("ignore")
    result = {}
    for path in sys.argv[1:]:
        try:
            result[path] = frames(path)
        except Exception as error:  # reported, the test decides
            result[path] = {"error": repr(error)}
    json.dump(result, sys.stdout)


main()
