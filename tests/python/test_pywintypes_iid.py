"""pywintypes IID objects: IIDType, IID, CreateGuid."""

import copy
import pickle
import uuid

import pytest

import pywintypes

CO_E_CLASSSTRING = -2147221005  # 0x800401F3
IUNKNOWN = "{00000000-0000-0000-C000-000000000046}"
SAMPLE = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
# GUID memory layout: Data1..Data3 little-endian, Data4 as written.
SAMPLE_BYTES = bytes.fromhex("33221100 5544 7766 8899aabbccddeeff")


def test_str_is_braced_upper_case():
    iid = pywintypes.IID(SAMPLE.lower())
    assert isinstance(iid, pywintypes.IIDType)
    assert str(iid) == SAMPLE


def test_repr_matches_pywin32():
    assert repr(pywintypes.IID(IUNKNOWN)) == f"IID('{IUNKNOWN}')"


def test_braces_are_optional():
    assert pywintypes.IID(SAMPLE.strip("{}")) == pywintypes.IID(SAMPLE)


def test_bytes_strings_are_accepted():
    assert pywintypes.IID(SAMPLE.encode()) == pywintypes.IID(SAMPLE)


def test_equal_by_value_and_hashable():
    first, second = pywintypes.IID(SAMPLE), pywintypes.IID(SAMPLE.lower())
    assert first is not second
    assert first == second and not first != second
    assert hash(first) == hash(second)
    assert len({first, second, pywintypes.IID(IUNKNOWN)}) == 2
    assert {first: "x"}[second] == "x"


def test_different_iids_compare_unequal():
    assert pywintypes.IID(SAMPLE) != pywintypes.IID(IUNKNOWN)


def test_iid_does_not_equal_its_string():
    assert pywintypes.IID(SAMPLE) != SAMPLE


def test_iids_have_no_ordering():
    with pytest.raises(TypeError):
        pywintypes.IID(SAMPLE) < pywintypes.IID(IUNKNOWN)


def test_hash_is_pywin32s_sum_of_dwords():
    iid = pywintypes.IID("{00000001-0000-0002-0000-000000000003}")
    # DWORDs in memory: 1, 0x00020000, 0, 0x03000000
    assert hash(iid) == 1 + 0x00020000 + 0x03000000


def test_bytes_gives_the_guid_memory_layout():
    assert bytes(pywintypes.IID(SAMPLE)) == SAMPLE_BYTES


@pytest.mark.parametrize("buffer", [SAMPLE_BYTES, bytearray(SAMPLE_BYTES),
                                    memoryview(SAMPLE_BYTES), SAMPLE_BYTES + b"extra"])
def test_from_bytes_reads_the_first_16_bytes(buffer):
    assert str(pywintypes.IID(buffer, True)) == SAMPLE


def test_from_bytes_accepts_an_iid():
    iid = pywintypes.IID(SAMPLE)
    assert pywintypes.IID(iid, 1) == iid


def test_existing_iid_is_returned_unchanged():
    iid = pywintypes.IID(SAMPLE)
    assert pywintypes.IID(iid) is iid


def test_iids_are_immutable():
    iid = pywintypes.IID(SAMPLE)
    with pytest.raises(AttributeError):
        iid.anything = 1


def test_type_cannot_be_instantiated_directly():
    with pytest.raises(TypeError):
        pywintypes.IIDType(SAMPLE)


def test_pickle_and_copy_round_trip():
    iid = pywintypes.IID(SAMPLE)
    assert pickle.loads(pickle.dumps(iid)) == iid
    assert copy.copy(iid) == iid


def test_create_guid_gives_distinct_version_4_guids():
    guids = {pywintypes.CreateGuid() for _ in range(50)}
    assert len(guids) == 50
    for guid in guids:
        assert isinstance(guid, pywintypes.IIDType)
        value = uuid.UUID(bytes_le=bytes(guid))
        assert value.version == 4
        assert value.variant == uuid.RFC_4122


@pytest.mark.parametrize("bad", [
    "bad",
    "",
    "{00000000-0000-0000-C000-00000000004}",  # a digit short
    "{00000000-0000-0000-C000-0000000000460}",  # a digit long
    "{00000000-0000-0000-C000-00000000004G}",  # not hex
    "{00000000-0000-0000-C000-000000000046",  # unbalanced brace
    "00000000-0000-0000-C000-000000000046}",
    "{000000000000-0000-C000-000000000046}",  # misplaced dash
    " {00000000-0000-0000-C000-000000000046}",
    "Excel.Application",  # a ProgID: no registry to resolve it
    b"\xff",
])
def test_bad_strings_raise_com_error_class_string(bad):
    with pytest.raises(pywintypes.com_error) as info:
        pywintypes.IID(bad)
    assert info.value.args == (CO_E_CLASSSTRING, "Invalid class string", None, None)
    assert info.value.hresult == CO_E_CLASSSTRING


@pytest.mark.parametrize("bad", [123, None, 1.5, [SAMPLE]])
def test_non_strings_raise_typeerror(bad):
    with pytest.raises(TypeError):
        pywintypes.IID(bad)


def test_too_few_bytes_raise_valueerror():
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pywintypes.IID(b"\0" * 15, True)


def test_bytes_mode_needs_a_buffer():
    with pytest.raises(TypeError):
        pywintypes.IID(SAMPLE, True)


def test_is_bytes_must_be_an_integer():
    with pytest.raises(TypeError):
        pywintypes.IID(SAMPLE, "yes")
