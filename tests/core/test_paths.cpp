#include <gtest/gtest.h>

#include <map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/paths/drive_table.h"

namespace {

namespace wp = w32::paths;

class FixedDrives : public wp::DriveTable {
public:
    std::map<char, std::string> roots{{'c', "/home/u/drive_c"}, {'z', "/"}, {'d', "/mnt/data/"}};
    std::optional<std::string> root(char letter) const override {
        auto it = roots.find(letter);
        if (it == roots.end()) return std::nullopt;
        return it->second;
    }
};

std::string posix(std::string_view p) {
    static FixedDrives drives;
    return wp::to_posix(p, drives, "CreateFile");
}

uint32_t error_of(std::string_view p) {
    try {
        posix(p);
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

TEST(Paths, PosixPathsPassThrough) {
    EXPECT_EQ(posix("/tmp/a b/c"), "/tmp/a b/c");
    EXPECT_EQ(posix("rel/x.txt"), "rel/x.txt");
    EXPECT_EQ(posix("/tmp/../etc"), "/tmp/../etc");
    EXPECT_FALSE(wp::is_windows_path("/usr/lib"));
}

TEST(Paths, DrivesMapThroughTheTable) {
    EXPECT_EQ(posix("C:\\Users\\x.txt"), "/home/u/drive_c/Users/x.txt");
    EXPECT_EQ(posix("c:/Users/x.txt"), "/home/u/drive_c/Users/x.txt");
    EXPECT_EQ(posix("Z:\\tmp\\f"), "/tmp/f");
    EXPECT_EQ(posix("Z:\\"), "/");
    EXPECT_EQ(posix("C:"), "/home/u/drive_c");
    EXPECT_EQ(posix("C:rel\\f"), "/home/u/drive_c/rel/f");
    EXPECT_EQ(posix("D:\\a\\\\b\\"), "/mnt/data/a/b");
}

TEST(Paths, DotDotStopsAtTheDriveRoot) {
    EXPECT_EQ(posix("C:\\a\\..\\..\\..\\etc\\passwd"), "/home/u/drive_c/etc/passwd");
    EXPECT_EQ(posix("C:\\a\\.\\b\\..\\c"), "/home/u/drive_c/a/c");
    EXPECT_EQ(posix("Z:\\..\\tmp"), "/tmp");
}

TEST(Paths, LongAndUncForms) {
    EXPECT_EQ(posix("\\\\?\\C:\\x"), "/home/u/drive_c/x");
    EXPECT_EQ(posix("\\\\?\\UNC\\localhost\\C$\\x"), "/home/u/drive_c/x");
    EXPECT_EQ(posix("\\\\localhost\\z$\\tmp"), "/tmp");
    EXPECT_EQ(posix("\\\\127.0.0.1\\C$/y"), "/home/u/drive_c/y");
    // Two slashes are a POSIX path (the same as one), not UNC.
    EXPECT_EQ(posix("//host/C$/y"), "//host/C$/y");
    EXPECT_EQ(error_of("\\\\fileserver\\share\\x"), w32::err::kBadNetpath);
    EXPECT_EQ(error_of("\\\\localhost\\share\\x"), w32::err::kBadNetpath);
    EXPECT_EQ(error_of("\\\\.\\C:"), w32::err::kNotSupported);
}

TEST(Paths, BackslashesAreSeparators) {
    EXPECT_EQ(posix("logs\\out.txt"), "logs/out.txt");
    EXPECT_EQ(posix("\\tmp\\x"), "/tmp/x");
}

TEST(Paths, DeviceNames) {
    EXPECT_EQ(posix("NUL"), "/dev/null");
    EXPECT_EQ(posix("nul:"), "/dev/null");
    EXPECT_EQ(posix("\\\\.\\NUL"), "/dev/null");
    EXPECT_EQ(posix("C:\\any\\dir\\nul"), "/dev/null");
    EXPECT_EQ(posix("CONOUT$"), "/dev/tty");
    EXPECT_EQ(posix("\\\\.\\COM3"), "/dev/ttyS2");
    EXPECT_EQ(posix("LPT1"), "/dev/lp0");
    // Not devices: longer names, POSIX paths ending in such a name, COM0.
    EXPECT_EQ(posix("C:\\nul.txt"), "/home/u/drive_c/nul.txt");
    EXPECT_EQ(posix("/tmp/nul"), "/tmp/nul");
    EXPECT_EQ(posix("COM0"), "COM0");
    EXPECT_EQ(posix("console"), "console");
}

TEST(Paths, BadInput) {
    EXPECT_EQ(error_of(""), w32::err::kPathNotFound);
    EXPECT_EQ(error_of("Q:\\x"), w32::err::kPathNotFound);
    EXPECT_EQ(error_of("C:\\a<b"), w32::err::kInvalidName);
    EXPECT_EQ(error_of("C:\\a|b"), w32::err::kInvalidName);
    EXPECT_EQ(error_of("C:\\a:b"), w32::err::kInvalidName);
    EXPECT_EQ(error_of(std::string_view("C:\\a\0b", 6)), w32::err::kInvalidName);
    EXPECT_EQ(error_of(std::string_view("/tmp/a\0b", 8)), w32::err::kInvalidName);
}

TEST(Paths, WindowsSpellingPicksTheLongestRoot) {
    FixedDrives drives;
    EXPECT_EQ(wp::to_windows("/home/u/drive_c/Users/x", drives), "C:\\Users\\x");
    EXPECT_EQ(wp::to_windows("/home/u/drive_cx", drives), "Z:\\home\\u\\drive_cx");
    EXPECT_EQ(wp::to_windows("/mnt/data", drives), "D:\\");
    EXPECT_EQ(wp::to_windows("/", drives), "Z:\\");
}

}  // namespace
