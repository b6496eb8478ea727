"""pydicom's decoding of one frame, as the archive's decoders produce it: native little-endian samples,
pixel-interleaved. Arguments: path, 1-based frame. Prints base64."""
import base64
import sys
import warnings

import numpy as np
import pydicom

warnings.simplefilter("ignore")
ds = pydicom.dcmread(sys.argv[1])
pixels = ds.pixel_array
if int(ds.get("NumberOfFrames", 1) or 1) > 1:
    pixels = pixels[int(sys.argv[2]) - 1]
print(base64.b64encode(np.ascontiguousarray(pixels.astype(pixels.dtype.newbyteorder("<"))).tobytes()).decode("ascii"))
