#include <gtest/gtest.h>

#include <string>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/pipe_names.h"

namespace {

using w32::io::pipe_directory;
using w32::io::pipe_name_of;

uint32_t error_of(std::string_view path) {
    try {
        pipe_directory(path, "test");
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

TEST(PipeNames, ParsesLocalPipePaths) {
    EXPECT_EQ(pipe_name_of("\\\\.\\pipe\\abc"), "abc");
    EXPECT_EQ(pipe_name_of("//./PIPE/abc"), "abc");
    EXPECT_EQ(pipe_name_of("\\\\.\\pipe\\a\\b"), "a\\b");
    EXPECT_FALSE(pipe_name_of("\\\\.\\pipes\\abc"));
    EXPECT_FALSE(pipe_name_of("\\\\host\\pipe\\abc"));
    EXPECT_FALSE(pipe_name_of("/tmp/abc"));
    EXPECT_FALSE(pipe_name_of("\\\\.\\pip"));
}

TEST(PipeNames, DirectoryIgnoresCaseAndSeparatesNames) {
    EXPECT_EQ(pipe_directory("\\\\.\\pipe\\MyPipe", "t"), pipe_directory("//./Pipe/mypipe", "t"));
    EXPECT_NE(pipe_directory("\\\\.\\pipe\\a", "t"), pipe_directory("\\\\.\\pipe\\b", "t"));
}

TEST(PipeNames, HostileNamesStayInsideAndShort) {
    std::string root = w32::io::pipes_root() + "/";
    for (std::string tail : {std::string("..\\..\\x"), std::string("../../etc/passwd"), std::string("/etc/x"), std::string(256, 'z')}) {
        std::string dir = pipe_directory("\\\\.\\pipe\\" + tail, "t");
        EXPECT_EQ(dir.rfind(root, 0), 0u) << dir;
        EXPECT_EQ(dir.find("..", root.size()), std::string::npos);
        EXPECT_EQ(dir.size(), root.size() + 32);
    }
}

TEST(PipeNames, InvalidNames) {
    EXPECT_EQ(error_of("\\\\.\\pipe\\"), w32::err::kInvalidName);
    EXPECT_EQ(error_of("plain"), w32::err::kInvalidName);
    EXPECT_EQ(error_of(std::string("\\\\.\\pipe\\a\0b", 12)), w32::err::kInvalidName);
    EXPECT_EQ(error_of("\\\\.\\pipe\\" + std::string(257, 'x')), w32::err::kInvalidName);
}

}  // namespace
