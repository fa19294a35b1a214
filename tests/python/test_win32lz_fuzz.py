"""The LZ decoder's fuzz target (tests/core/test_lz_fuzz_target.cpp) built
with AddressSanitizer and UndefinedBehaviorSanitizer and run for a bounded
number of mutated inputs: an out-of-bounds access, an overflow or a failed
check aborts it. libFuzzer needs clang, which these machines lack, so the
target's own mutation driver runs it (g++ -DLZ_FUZZ_MAIN)."""
import os
import shutil
import subprocess

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCES = [
    "tests/core/test_lz_fuzz_target.cpp",
    "src/w32/lz/lzss.cpp",
    "src/w32/lz/lz_format.cpp",
    "src/w32/lz/kwaj_lzh.cpp",
    "src/w32/lz/kwaj_mszip.cpp",
]
RUNS = 6000


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory):
    cxx = shutil.which("clang++") or shutil.which("g++")
    if not cxx or not all(os.path.exists(os.path.join(REPO, s)) for s in SOURCES):
        pytest.skip("no C++ compiler, or not run from a source tree")
    exe = str(tmp_path_factory.mktemp("lzfuzz") / "lz_fuzz")
    cmd = [cxx, "-std=c++20", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
           "-DLZ_FUZZ_MAIN", "-I", os.path.join(REPO, "src"), *[os.path.join(REPO, s) for s in SOURCES], "-lz", "-o", exe]
    built = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    if built.returncode != 0 and "sanitize" in built.stderr:
        pytest.skip("the compiler's sanitizer runtimes are missing")
    assert built.returncode == 0, built.stderr
    return exe


@pytest.mark.parametrize("seed", [1, 2])
def test_decoder_survives_mutated_inputs_under_sanitizers(fuzzer, seed):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=1", UBSAN_OPTIONS="halt_on_error=1")
    done = subprocess.run([fuzzer, str(RUNS), str(seed)], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    assert f"lz fuzz: {RUNS} runs" in done.stdout
