// File mapping objects: names, lifetime across processes, views and their
// errors, file-backed sections.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"
#include "w32/mapping/section.h"
#include "w32/mapping/view.h"

namespace {

namespace map = w32::mapping;

std::string unique(const char* tag) { return std::string("w32t-map-") + tag + "-" + std::to_string(getpid()); }

template <class Fn>
uint32_t error_of(Fn fn) {
    try {
        fn();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

// Runs fn in a child process; returns its exit status (0 = all checks held).
template <class Fn>
int in_child(Fn fn) {
    pid_t pid = fork();
    if (pid == 0) {
        int rc = 1;
        try {
            rc = fn();
        } catch (...) {
        }
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

TEST(MappingNames, HostileNamesStayInsideThePrefix) {
    const std::string prefix = "/pywin32-posix.1.abc";
    for (std::string name : {std::string("../../etc/passwd"), std::string("/x/y"), std::string(".."),
                             std::string(1000, 'z'), std::string("Global\\..")}) {
        std::string shm = map::shm_name_for(name, prefix);
        EXPECT_EQ(shm.rfind(prefix + ".map.", 0), 0u) << shm;
        EXPECT_EQ(shm.find('/', 1), std::string::npos) << shm;
        EXPECT_EQ(shm.size(), prefix.size() + 5 + 16);
    }
}

TEST(MappingNames, NamespacesAndBadNames) {
    const std::string p = "/x";
    EXPECT_EQ(map::shm_name_for("Local\\a", p), map::shm_name_for("a", p));
    EXPECT_NE(map::shm_name_for("Global\\a", p), map::shm_name_for("a", p));
    EXPECT_NE(map::shm_name_for("A", p), map::shm_name_for("a", p));  // names are case-sensitive
    EXPECT_EQ(error_of([&] { map::shm_name_for(std::string("a\0b", 3), p); }), w32::err::kInvalidName);
    EXPECT_EQ(error_of([&] { map::shm_name_for("dir\\a", p); }), w32::err::kPathNotFound);
    EXPECT_EQ(error_of([&] { map::shm_name_for(std::string(1024, 'n'), p); }), w32::err::kFilenameExcedRange);
}

TEST(MappingSections, NamedSectionIsSharedAndKeepsItsSize) {
    std::string name = unique("shared");
    auto a = map::create_section(-1, 10000, name);
    EXPECT_EQ(w32::get_last_error(), 0u);
    auto b = map::create_section(-1, 99999, name);
    EXPECT_EQ(w32::get_last_error(), w32::err::kAlreadyExists);
    EXPECT_EQ(b->size(), 10000u);
    map::View va(a, 0, 0), vb(b, 0, 0);
    EXPECT_EQ(va.size(), 12288u);  // whole pages, as VirtualQuery reports
    std::memcpy(va.data(), "shared", 6);
    EXPECT_EQ(std::memcmp(vb.data(), "shared", 6), 0);
    EXPECT_EQ(map::open_section(name)->size(), 10000u);
}

TEST(MappingSections, LastCloseRemovesTheName) {
    std::string name = unique("last");
    {
        auto a = map::create_section(-1, 4096, name);
        auto b = map::open_section(name);
        a.reset();
        EXPECT_EQ(map::open_section(name)->size(), 4096u);  // b still holds it
    }
    EXPECT_EQ(error_of([&] { map::open_section(name); }), w32::err::kFileNotFound);
}

TEST(MappingSections, AViewKeepsItsSectionAlive) {
    std::string name = unique("view");
    auto s = map::create_section(-1, 4096, name);
    map::View v(s, 0, 0);
    s.reset();
    EXPECT_EQ(map::open_section(name)->size(), 4096u);
}

TEST(MappingSections, AnotherProcessSeesTheSameMemory) {
    std::string name = unique("proc");
    auto s = map::create_section(-1, 65536 * 2, name);
    map::View v(s, 0, 0);
    int rc = in_child([&] {
        auto c = map::create_section(-1, 4096, name);
        if (w32::get_last_error() != w32::err::kAlreadyExists || c->size() != 65536 * 2) return 2;
        map::View cv(c, 65536, 0);
        std::memcpy(cv.data(), "from child", 10);
        return 0;
    });
    ASSERT_EQ(rc, 0);
    EXPECT_EQ(std::memcmp(v.data() + 65536, "from child", 10), 0);
}

TEST(MappingSections, SectionOfKilledProcessesIsNotReused) {
    std::string name = unique("killed");
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        auto s = map::create_section(-1, 4096, name);
        map::View v(s, 0, 0);
        std::memcpy(v.data(), "stale", 5);
        char c = 'r';
        (void)!write(fds[1], &c, 1);
        pause();
        _exit(0);
    }
    char c;
    ASSERT_EQ(read(fds[0], &c, 1), 1);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    close(fds[0]);
    close(fds[1]);
    auto s = map::create_section(-1, 8192, name);
    EXPECT_EQ(w32::get_last_error(), 0u);
    EXPECT_EQ(s->size(), 8192u);
    map::View v(s, 0, 0);
    EXPECT_NE(std::memcmp(v.data(), "stale", 5), 0);
}

TEST(MappingSections, ForkedChildClosingDoesNotTakeTheParentsName) {
    std::string name = unique("fork");
    auto s = map::create_section(-1, 4096, name);
    int rc = in_child([&] {
        s.reset();  // the child's last reference: the parent still holds it
        return 0;
    });
    ASSERT_EQ(rc, 0);
    EXPECT_EQ(map::open_section(name)->size(), 4096u);
}

TEST(MappingSections, InitializerRunsOnceBeforeOthersSeeIt) {
    std::string name = unique("init");
    int runs = 0;
    auto init = [&](std::span<std::byte> d) {
        ++runs;
        std::memcpy(d.data(), "ready", 5);
    };
    auto a = map::create_section(-1, 4096, name, init);
    auto b = map::create_section(-1, 4096, name, init);
    EXPECT_EQ(runs, 1);
    map::View v(b, 0, 0);
    EXPECT_EQ(std::memcmp(v.data(), "ready", 5), 0);
}

TEST(MappingErrors, SizesAndOffsets) {
    EXPECT_EQ(error_of([] { map::create_section(-1, 0, std::nullopt); }), w32::err::kInvalidParameter);
    EXPECT_EQ(error_of([] { map::create_section(-1, 0, "zero"); }), w32::err::kInvalidParameter);
    EXPECT_EQ(error_of([] { map::create_section(-1, uint64_t(1) << 62, std::nullopt); }), w32::err::kNotEnoughMemory);
    auto s = map::create_section(-1, 65536 * 2, std::nullopt);
    EXPECT_EQ(error_of([&] { map::View(s, 4096, 0); }), map::kErrorMappedAlignment);
    EXPECT_EQ(error_of([&] { map::View(s, 65536 * 2, 0); }), w32::err::kAccessDenied);
    EXPECT_EQ(error_of([&] { map::View(s, 65536, 65537); }), w32::err::kAccessDenied);
    EXPECT_EQ(error_of([&] { map::View(s, 0, ~uint64_t(0)); }), w32::err::kAccessDenied);
    map::View v(s, 65536, 100);
    EXPECT_EQ(v.size(), 100u);
}

TEST(MappingFiles, SectionGrowsTheFileAndWritesReachIt) {
    std::string path = w32::session_paths().runtime_dir + "/" + unique("file");
    w32::ensure_private_dir(w32::session_paths().runtime_dir);
    {
        auto file = map::open_backing_file(path);
        EXPECT_EQ(error_of([&] { map::create_section(file->raw_fd(), 0, std::nullopt); }), map::kErrorFileInvalid);
        auto s = map::create_section(file->raw_fd(), 10000, std::nullopt);
        struct stat st;
        ASSERT_EQ(stat(path.c_str(), &st), 0);
        EXPECT_EQ(st.st_size, 10000);
        map::View v(s, 0, 0);
        std::memcpy(v.data(), "on disk", 7);
        v.flush(0, 0);
    }
    char buf[8] = {};
    int fd = open(path.c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(read(fd, buf, 7), 7);
    close(fd);
    EXPECT_STREQ(buf, "on disk");
    unlink(path.c_str());
}

TEST(MappingFiles, NamedFileSectionOpensTheFileInAnotherProcess) {
    std::string path = w32::session_paths().runtime_dir + "/" + unique("named-file");
    w32::ensure_private_dir(w32::session_paths().runtime_dir);
    std::string name = unique("named-file");
    auto file = map::open_backing_file(path);
    auto s = map::create_section(file->raw_fd(), 4096, name);
    int rc = in_child([&] {
        auto c = map::open_section(name);
        if (!c->file_backed() || c->size() != 4096) return 2;
        map::View v(c, 0, 0);
        std::memcpy(v.data(), "via name", 8);
        return 0;
    });
    ASSERT_EQ(rc, 0);
    char buf[9] = {};
    ASSERT_EQ(pread(file->raw_fd(), buf, 8, 0), 8);
    EXPECT_STREQ(buf, "via name");
    unlink(path.c_str());
}

TEST(MappingFiles, BadPaths) {
    EXPECT_EQ(error_of([] { map::open_backing_file(""); }), w32::err::kPathNotFound);
    EXPECT_EQ(error_of([] { map::open_backing_file("/nonexistent-dir-w32/x"); }), w32::err::kPathNotFound);
    EXPECT_EQ(error_of([] { map::open_backing_file("/tmp"); }), w32::err::kAccessDenied);
}

}  // namespace
