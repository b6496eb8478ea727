"""Uploads a synthetic corpus (tiny 8x8 CT-like instances) to Orthanc's REST API, one instance per study.

usage: orthanc_load.py ORTHANC_URL STUDIES
Names, dates and modalities follow the same distributions as the archive's index loader.
"""
import http.client
import io
import random
import sys
import urllib.parse

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

FAMILY = ["Smith", "O'Brien", "Müller", "Dvořák", "García", "Nguyen", "Kowalski", "van der Berg", "Johansson", "Rossi",
          "Yamada", "Kim", "Dubois", "Novák", "Andersen", "Papadopoulos", "Cohen", "Silva", "Ivanov", "Okafor"]
GIVEN = ["Mary", "John", "Zdeňka", "Hans", "Ana", "Minh", "Piotr", "Jan", "Erik", "Giulia", "Taro", "Ji-woo", "Chloé",
         "Tomáš", "Freja", "Nikos", "Noa", "João", "Olga", "Chidi"]
MODALITIES = ["CT", "CT", "CT", "MR", "MR", "US", "CR", "DX", "PT", "NM", "MG", "XA"]
ROOT = "1.2.826.0.1.3680043.10.9998"


def instance(s, rng):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = f"{ROOT}.3.{s}"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = f"{ROOT}.1.{s}"
    ds.SeriesInstanceUID = f"{ROOT}.2.{s}"
    ds.PatientName = f"{rng.choice(FAMILY)}^{rng.choice(GIVEN)}"
    ds.PatientID = f"PID{s:07d}"
    ds.AccessionNumber = f"A{s:08d}"
    day = rng.randrange(26 * 365)
    year, rest = 2000 + day // 365, day % 365
    ds.StudyDate = f"{year}{1 + rest // 31 % 12:02d}{1 + rest % 28:02d}"
    ds.StudyTime = "101500"
    ds.Modality = MODALITIES[s % len(MODALITIES)]
    ds.StudyDescription = "SYNTHETIC STUDY"
    ds.ReferringPhysicianName = "Referrer^Ray"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    ds.Rows = ds.Columns = 8
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.PixelData = bytes(128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    buffer = io.BytesIO()
    ds.save_as(buffer, write_like_original=False)
    return buffer.getvalue()


def main():
    url = urllib.parse.urlsplit(sys.argv[1])
    studies = int(sys.argv[2])
    rng = random.Random(20261129)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    for s in range(1, studies + 1):
        connection.request("POST", "/instances", body=instance(s, rng), headers={"Content-Type": "application/dicom"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"Orthanc refused instance {s}: HTTP {response.status}")
        if s % 10000 == 0:
            print(f"orthanc: {s} studies", flush=True)


main()
