// The file core without Python: share modes, byte-range locks, the I/O
// engine and completion ports, change records, and path functions' errors.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/async_io.h"
#include "w32/io/byte_locks.h"
#include "w32/io/change_watch.h"
#include "w32/io/disk_file.h"
#include "w32/io/path_functions.h"
#include "w32/io/share_modes.h"
#include "w32/kernel/handle_table.h"

namespace {

namespace wio = w32::io;
using w32::Handle;

class FileIo : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/w32fileioXXXXXX";
        dir_ = mkdtemp(tmpl);
        path_ = dir_ + "/f.bin";
        std::ofstream(path_) << "0123456789";
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    Handle open(uint32_t access, uint32_t share, uint32_t disposition = wio::kOpenExisting, uint32_t flags = 0) {
        return wio::create_file(path_, access, share, disposition, flags, false);
    }
    static void close(Handle h) { w32::HandleTable::instance().close(h, "CloseHandle"); }

    template <class Fn>
    static uint32_t error_of(Fn&& fn) {
        try {
            fn();
        } catch (const w32::Win32Error& e) {
            return e.code();
        }
        return 0;
    }

    std::string dir_, path_;
};

constexpr uint32_t R = wio::kGenericRead, W = wio::kGenericWrite;
constexpr uint32_t SR = wio::kFileShareRead, SW = wio::kFileShareWrite, SD = wio::kFileShareDelete;

TEST_F(FileIo, ShareModesFollowWindowsTable) {
    Handle a = open(R, SR);
    EXPECT_EQ(error_of([&] { close(open(R, SR)); }), 0u);
    EXPECT_EQ(error_of([&] { open(W, SR | SW); }), w32::err::kSharingViolation);  // a denies writers
    EXPECT_EQ(error_of([&] { open(R, 0); }), w32::err::kSharingViolation);        // would deny a's read
    EXPECT_EQ(error_of([&] { close(open(0, 0)); }), 0u);                          // no data access: no part
    close(a);
    Handle b = open(W, SR | SW | SD);
    EXPECT_EQ(error_of([&] { close(open(R, SR)); }), w32::err::kSharingViolation);  // must share b's write
    EXPECT_EQ(error_of([&] { close(open(R, SW)); }), 0u);  // denies read and delete: b has neither
    EXPECT_EQ(error_of([&] { close(open(R, SR | SW)); }), 0u);
    close(b);
    EXPECT_EQ(error_of([&] { close(open(R | W, 0)); }), 0u);
}

TEST_F(FileIo, DeleteRespectsShareDelete) {
    Handle a = open(R, SR);
    EXPECT_EQ(error_of([&] { wio::delete_file(path_); }), w32::err::kSharingViolation);
    close(a);
    a = open(R, SR | SD);
    wio::delete_file(path_);
    close(a);
    struct stat st;
    EXPECT_NE(::stat(path_.c_str(), &st), 0);
}

TEST_F(FileIo, ByteRangeLocksBelongToHandles) {
    Handle a = open(R | W, SR | SW), b = open(R | W, SR | SW);
    auto fa = wio::disk_file_of(a, "t"), fb = wio::disk_file_of(b, "t");
    wio::lock_range(*fa, 0, 5, true, false, {}, "LockFile");
    EXPECT_EQ(error_of([&] { wio::lock_range(*fb, 4, 1, false, false, {}, "LockFile"); }), w32::err::kLockViolation);
    EXPECT_EQ(error_of([&] { wio::unlock_range(*fa, 0, 4, "UnlockFile"); }), w32::err::kNotLocked);
    std::byte buf[2];
    EXPECT_EQ(error_of([&] { fb->read_at(buf, 3); }), w32::err::kLockViolation);
    EXPECT_EQ(fa->read_at(buf, 3), 2u);
    EXPECT_EQ(fb->read_at(buf, 5), 2u);
    wio::unlock_range(*fa, 0, 5, "UnlockFile");
    EXPECT_EQ(fb->read_at(buf, 3), 2u);
    // A waiting lock is granted when the holder lets go.
    wio::lock_range(*fa, 0, 10, true, false, {}, "LockFile");
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        wio::unlock_range(*fa, 0, 10, "UnlockFile");
    });
    wio::lock_range(*fb, 2, 2, true, true, {}, "LockFileEx");
    release.join();
    close(a);
    close(b);
}

TEST_F(FileIo, OverlappedReadCompletesOnThePort) {
    Handle h = open(R, SR, wio::kOpenExisting, wio::kFileFlagOverlapped);
    Handle port = wio::create_io_completion_port(h, 0, 7);
    auto file = wio::file_of(h, "ReadFile");
    std::byte buf[4];
    auto r = wio::submit_io(
        file, 0,
        [&buf](wio::FileObject& f, const w32::sync::InterruptCheck& c) { return wio::overlapped_read(f, buf, 6, c); },
        99, false);
    auto c = wio::port_of(port, "t")->get(10000, {});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, 0u);
    EXPECT_EQ(c->bytes, 4u);
    EXPECT_EQ(c->key, 7u);
    EXPECT_EQ(c->token, 99u);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf), 4), "6789");
    EXPECT_TRUE(r->done());
    EXPECT_FALSE(wio::port_of(port, "t")->get(0, {}));
    close(h);
    close(port);
}

TEST_F(FileIo, CancelledRequestReportsOperationAborted) {
    Handle h = open(R, SR, wio::kOpenExisting, wio::kFileFlagOverlapped);
    auto file = wio::file_of(h, "ReadFile");
    auto r = wio::submit_io(
        file, 0,
        [](wio::FileObject&, const w32::sync::InterruptCheck& cancelled) -> wio::IoOutcome {
            while (!cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            throw w32::sync::WaitInterrupted{};
        },
        0, true);
    wio::cancel_io(h, true, nullptr);
    ASSERT_TRUE(r->wait(10000, {}));
    EXPECT_EQ(r->status(), w32::err::kOperationAborted);
    // Closing the handle cancels too.
    auto r2 = wio::submit_io(
        file, 0,
        [](wio::FileObject&, const w32::sync::InterruptCheck& cancelled) -> wio::IoOutcome {
            while (!cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            throw w32::sync::WaitInterrupted{};
        },
        0, true);
    file.reset();
    close(h);
    ASSERT_TRUE(r2->wait(10000, {}));
    EXPECT_EQ(r2->status(), w32::err::kOperationAborted);
}

TEST_F(FileIo, ChangeRecordsRoundTripThroughTheWindowsLayout) {
    wio::DirectoryWatch watch(dir_, false, wio::kNotifyFileName, "t");
    std::ofstream(dir_ + "/né.txt") << "x";
    ::rename((dir_ + "/né.txt").c_str(), (dir_ + "/b.txt").c_str());
    ASSERT_TRUE(wio::wait_for_changes(watch, 10000, {}));
    auto bytes = watch.take_encoded(4096);
    auto records = wio::decode_notify_information(bytes);
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].action, wio::kActionAdded);
    EXPECT_EQ(records[0].name, "né.txt");
    EXPECT_EQ(records[1].action, wio::kActionRenamedOld);
    EXPECT_EQ(records[2].action, wio::kActionRenamedNew);
    EXPECT_EQ(records[2].name, "b.txt");
    EXPECT_EQ(bytes.size() % 4, 0u);
    EXPECT_EQ(error_of([&] { wio::DirectoryWatch(dir_ + "/nope", false, 1, "t"); }), w32::err::kFileNotFound);
}

TEST_F(FileIo, PathFunctionErrors) {
    EXPECT_EQ(error_of([&] { wio::get_file_attributes(dir_ + "/missing"); }), w32::err::kFileNotFound);
    EXPECT_EQ(error_of([&] { wio::get_file_attributes(dir_ + "/no/missing"); }), w32::err::kPathNotFound);
    EXPECT_EQ(error_of([&] { wio::create_directory(dir_, "CreateDirectory"); }), w32::err::kAlreadyExists);
    EXPECT_EQ(error_of([&] { wio::remove_directory(path_); }), w32::err::kDirectory);
    EXPECT_EQ(error_of([&] { wio::move_file(path_, path_ + "2", wio::kMovefileDelayUntilReboot, "MoveFileEx"); }),
              w32::err::kNotSupported);
    EXPECT_EQ(error_of([&] { wio::copy_file(path_, path_, wio::kCopyFileFailIfExists, nullptr, "CopyFile"); }),
              w32::err::kFileExists);
    EXPECT_EQ(error_of([&] { open(R, 7, 9); }), w32::err::kInvalidParameter);
    EXPECT_EQ(error_of([&] { open(R, 7, wio::kCreateNew); }), w32::err::kFileExists);
}

}  // namespace
