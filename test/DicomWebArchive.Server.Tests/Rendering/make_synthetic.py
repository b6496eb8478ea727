"""Writes test images the corpus lacks into the directory given as argument:

palette8.dcm: 8-bit pixels through pydicom's Hot Iron palette (256 entries of 8 bits, packed in OW).
palette16.dcm: 16-bit pixels (12 stored) through a 16-bit palette of 4096 entries whose first mapped value is 100.
enhanced.dcm: a two-frame Enhanced CT image whose rescale and windows live only in functional groups: rescale and a
window shared, frame 1 overriding the window, frame 2 overriding it with LINEAR_EXACT.
"""
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"


def save(ds, name):
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(os.path.join(sys.argv[1], name), write_like_original=False)


def image(rows, columns, bits_stored, pixels, descriptor, red, green, blue, name, seed):
    ds = Dataset()
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = generate_uid(entropy_srcs=[name, seed])
    ds.StudyInstanceUID = generate_uid(entropy_srcs=["palette study", seed])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=["palette series", seed])
    ds.PatientName = "Palette^Test"
    ds.PatientID = "PAL-1"
    ds.Modality = "OT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.Rows, ds.Columns = rows, columns
    ds.BitsAllocated = 8 if bits_stored <= 8 else 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 0
    for color, data in (("Red", red), ("Green", green), ("Blue", blue)):
        setattr(ds, f"{color}PaletteColorLookupTableDescriptor", descriptor)
        ds[f"{color}PaletteColorLookupTableData"] = pydicom.DataElement(
            pydicom.datadict.tag_for_keyword(f"{color}PaletteColorLookupTableData"), "OW", data)
    ds.PixelData = pixels.tobytes()
    save(ds, name)


def item(**attributes):
    result = Dataset()
    for keyword, value in attributes.items():
        setattr(result, keyword, value)
    return result


def enhanced():
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    ds.SOPInstanceUID = generate_uid(entropy_srcs=["enhanced instance"])
    ds.StudyInstanceUID = generate_uid(entropy_srcs=["enhanced study"])
    ds.SeriesInstanceUID = generate_uid(entropy_srcs=["enhanced series"])
    ds.PatientName = "O'Brien^Enhanced"
    ds.PatientID = "ENH-1"
    ds.Modality = "CT"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.NumberOfFrames = 2
    ds.Rows, ds.Columns = 32, 48
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.SharedFunctionalGroupsSequence = Sequence([item(
        PixelValueTransformationSequence=Sequence([item(RescaleSlope="2", RescaleIntercept="-1024", RescaleType="HU")]),
        FrameVOILUTSequence=Sequence([item(WindowCenter="0", WindowWidth="4000")]))])
    ds.PerFrameFunctionalGroupsSequence = Sequence([
        item(FrameVOILUTSequence=Sequence([item(WindowCenter="40", WindowWidth="400")])),
        item(FrameVOILUTSequence=Sequence([item(WindowCenter="300", WindowWidth="1500", VOILUTFunction="LINEAR_EXACT")])),
    ])
    y, x = np.mgrid[0:32, 0:48]
    frames = np.stack([(x * 20 + y * 7) % 1200, (x * 13 + y * 31) % 1500]).astype("<i2")
    ds.PixelData = frames.tobytes()
    save(ds, "enhanced.dcm")


y, x = np.mgrid[0:64, 0:96]
hot = pydicom.dcmread(os.path.join(os.path.dirname(pydicom.__file__), "data", "palettes", "hotiron.dcm"))
image(64, 96, 8, ((x * 2 + y) % 256).astype(np.uint8), [256, 0, 8],
      hot.RedPaletteColorLookupTableData, hot.GreenPaletteColorLookupTableData, hot.BluePaletteColorLookupTableData,
      "palette8.dcm", "8")
ramp = np.arange(4096, dtype=np.uint32)
image(64, 96, 12, ((x * 40 + y * 3) % 4096).astype(np.uint16), [4096, 100, 16],
      (ramp * 16).astype("<u2").tobytes(), ((4095 - ramp) * 16).astype("<u2").tobytes(), ((ramp * 37) % 65536).astype("<u2").tobytes(),
      "palette16.dcm", "16")
enhanced()
