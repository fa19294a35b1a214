// win32file's functions on paths (attributes, copy, move, delete,
// directories, links, searches, drives). The core is w32/io/path_functions;
// win32api_files.cpp binds the same core under win32api's names.
#include <nanobind/stl/string.h>

#include <unistd.h>

#include <cerrno>
#include <exception>
#include <string>

#include "dword_args.h"
#include "modules.h"
#include "win32file_common.h"
#include "win32file_paths.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/path_functions.h"
#include "w32/paths/drive_table.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

nb::tuple find_data_tuple(const wio::FindData& d) {
    return nb::make_tuple(d.attributes, filetime_object(d.creation_time), filetime_object(d.access_time),
                          filetime_object(d.write_time), static_cast<uint32_t>(d.size >> 32),
                          static_cast<uint32_t>(d.size), 0, 0, d.name, "");
}

nb::list find_files(const std::string& pattern) {
    auto found = nb_release_gil([&] { return wio::find_files(pattern); });
    nb::list out;
    for (auto& d : found) out.append(find_data_tuple(d));
    return out;
}

nb::tuple disk_free_space(const std::string& root) {
    auto s = wio::get_disk_free_space(root);
    return nb::make_tuple(s.sectors_per_cluster, s.bytes_per_sector, s.free_clusters, s.total_clusters);
}

nb::tuple disk_free_space_ex(const std::string& root) {
    auto s = wio::get_disk_free_space(root);
    return nb::make_tuple(s.free_to_caller, s.total, s.free);
}

nb::tuple volume_information(const std::string& root) {
    auto v = wio::get_volume_information(root);
    return nb::make_tuple(v.label, v.serial, v.max_component, v.flags, v.file_system);
}

void copy_file(const std::string& from, const std::string& to, bool fail_if_exists) {
    nb_release_gil([&] {
        wio::copy_file(from, to, fail_if_exists ? wio::kCopyFileFailIfExists : 0, nullptr, "CopyFile");
        return 0;
    });
}

namespace {

// pywin32's CopyProgressRoutine: (TotalFileSize, TotalBytesTransferred,
// StreamSize, StreamBytesTransferred, StreamNumber, CallbackReason,
// SourceFile, DestinationFile, Data) -> PROGRESS_*.
wio::CopyProgress progress_of(nb::handle routine, nb::handle data, bool& cancel_flag, std::exception_ptr& failed) {
    if (routine.is_none()) {
        if (!cancel_flag) return nullptr;
        return [&cancel_flag](uint64_t, uint64_t) { return cancel_flag ? wio::kProgressCancel : wio::kProgressContinue; };
    }
    nb::object fn = nb::borrow(routine), d = nb::borrow(data);
    return [fn, d, &failed](uint64_t total, uint64_t done) -> uint32_t {
        nb::gil_scoped_acquire gil;
        try {
            uint32_t reason = done == 0 ? 1 : 0;  // CALLBACK_STREAM_SWITCH first, then CHUNK_FINISHED
            nb::object r = fn(total, done, total, done, 1, reason, nb::none(), nb::none(), d);
            return r.is_none() ? wio::kProgressContinue : nb::cast<uint32_t>(r);
        } catch (...) {
            // The routine's exception propagates once the copy has stopped.
            failed = std::current_exception();
            return wio::kProgressCancel;
        }
    };
}

void copy_file_ex(const std::string& from, const std::string& to, nb::handle routine, nb::handle data, int cancel,
                  long long flags, nb::handle) {
    uint32_t fl = dword_arg(flags, "CopyFlags");
    std::exception_ptr failed;
    bool cancel_flag = cancel != 0;
    auto progress = progress_of(routine, data, cancel_flag, failed);
    try {
        nb_release_gil([&] {
            wio::copy_file(from, to, fl, progress, "CopyFileEx");
            return 0;
        });
    } catch (...) {
        if (failed) std::rethrow_exception(failed);
        throw;
    }
}

void move_file_with_progress(const std::string& from, const std::string& to, nb::handle /*routine*/,
                             nb::handle /*data*/, long long flags, nb::handle) {
    uint32_t fl = dword_arg(flags, "Flags");
    nb_release_gil([&] {
        wio::move_file(from, to, fl, "MoveFileWithProgress");
        return 0;
    });
}

nb::object find_files_iterator(const std::string& pattern) {
    // A list's iterator: the directory is read at once, as FindFilesW does.
    return nb::iter(find_files(pattern));
}

void create_directory_ex(const std::string& /*template_dir*/, const std::string& path, nb::handle) {
    wio::create_directory(path, "CreateDirectoryEx");
}

void bind_win32file_paths(nb::module_ m) {
    m.def("GetFileAttributes", [](const std::string& p) { return wio::get_file_attributes(p); }, "fileName"_a,
          "The file's FILE_ATTRIBUTE_* bits (READONLY from the write bits, DIRECTORY, HIDDEN for dot names "
          "or as set, ...).");
    m.def("GetFileAttributesW", [](const std::string& p) { return wio::get_file_attributes(p); }, "fileName"_a,
          "As GetFileAttributes.");
    auto attributes_ex = [](const std::string& p, nb::handle, nb::handle) {
        auto i = wio::get_file_attributes_ex(p);
        return nb::make_tuple(i.attributes, filetime_object(i.creation_time), filetime_object(i.access_time),
                              filetime_object(i.write_time), i.size);
    };
    m.def("GetFileAttributesEx", attributes_ex, "FileName"_a, "InfoLevelId"_a.none() = nb::none(),
          "Transaction"_a.none() = nb::none(), "(attributes, creation, access, write times, size).");
    m.def("GetFileAttributesExW", attributes_ex, "FileName"_a, "InfoLevelId"_a.none() = nb::none(),
          "Transaction"_a.none() = nb::none(), "As GetFileAttributesEx.");
    auto set_attributes = [](const std::string& p, long long a, nb::handle) {
        wio::set_file_attributes(p, dword_arg(a, "newAttributes"));
    };
    m.def("SetFileAttributes", set_attributes, "filename"_a, "newAttributes"_a, "Transaction"_a.none() = nb::none(),
          "READONLY clears the write bits; HIDDEN, SYSTEM, ARCHIVE, TEMPORARY are kept in an xattr.");
    m.def("SetFileAttributesW", set_attributes, "FileName"_a, "FileAttributes"_a, "Transaction"_a.none() = nb::none(),
          "As SetFileAttributes.");
    auto del = [](const std::string& p, nb::handle) { wio::delete_file(p); };
    m.def("DeleteFile", del, "fileName"_a, "Transaction"_a.none() = nb::none(),
          "Deletes a file: ERROR_SHARING_VIOLATION if a handle did not share delete, ERROR_ACCESS_DENIED "
          "for a read-only file or a directory.");
    m.def("DeleteFileW", del, "FileName"_a, "Transaction"_a.none() = nb::none(), "As DeleteFile.");
    auto move = [](const std::string& a, const std::string& b) { wio::move_file(a, b, 0, "MoveFile"); };
    m.def("MoveFile", move, "existingFileName"_a, "newFileName"_a, "Renames; ERROR_ALREADY_EXISTS if the target exists.");
    m.def("MoveFileW", move, "existingFileName"_a, "newFileName"_a, "As MoveFile.");
    auto move_ex = [](const std::string& a, const std::string& b, long long fl) {
        wio::move_file(a, b, dword_arg(fl, "flags"), "MoveFileEx");
    };
    m.def("MoveFileEx", move_ex, "existingFileName"_a, "newFileName"_a, "flags"_a,
          "MOVEFILE_REPLACE_EXISTING, COPY_ALLOWED (across file systems), WRITE_THROUGH; "
          "DELAY_UNTIL_REBOOT raises ERROR_NOT_SUPPORTED.");
    m.def("MoveFileExW", move_ex, "existingFileName"_a, "newFileName"_a, "flags"_a, "As MoveFileEx.");
    m.def("MoveFileWithProgress", &move_file_with_progress, "ExistingFileName"_a, "NewFileName"_a,
          "ProgressRoutine"_a.none() = nb::none(), "Data"_a.none() = nb::none(), "Flags"_a = 0,
          "Transaction"_a.none() = nb::none(), "As MoveFileEx (a rename reports no progress).");
    m.def("CopyFile", [](const std::string& a, const std::string& b, int fail) { copy_file(a, b, fail != 0); }, "_from"_a, "to"_a, "bFailIfExists"_a,
          "Copies contents, permissions and times; ERROR_FILE_EXISTS with bFailIfExists.");
    m.def("CopyFileW", [](const std::string& a, const std::string& b, int fail) { copy_file(a, b, fail != 0); }, "_from"_a, "to"_a, "bFailIfExists"_a, "As CopyFile.");
    m.def("CopyFileEx", &copy_file_ex, "ExistingFileName"_a, "NewFileName"_a, "ProgressRoutine"_a.none() = nb::none(),
          "Data"_a.none() = nb::none(), "Cancel"_a = false, "CopyFlags"_a = 0, "Transaction"_a.none() = nb::none(),
          "CopyFile with a progress routine called per 1 MiB (PROGRESS_CANCEL/STOP: ERROR_REQUEST_ABORTED).");
    auto mkdir = [](const std::string& p, nb::handle) { wio::create_directory(p, "CreateDirectory"); };
    m.def("CreateDirectory", mkdir, "name"_a, "sa"_a.none() = nb::none(),
          "ERROR_ALREADY_EXISTS, or ERROR_PATH_NOT_FOUND when the parent is missing.");
    m.def("CreateDirectoryW", mkdir, "name"_a, "sa"_a.none() = nb::none(), "As CreateDirectory.");
    m.def("CreateDirectoryEx", &create_directory_ex, "templateName"_a, "newDirectory"_a, "sa"_a.none() = nb::none(),
          "As CreateDirectory (the template's attributes are not copied).");
    m.def("CreateDirectoryExW",
          [](const std::string& template_dir, const std::string& path, nb::handle sa, nb::handle transaction) {
              if (!transaction.is_none()) w32::throw_win32(w32::err::kNotSupported, "CreateDirectoryExW");
              create_directory_ex(template_dir, path, sa);
          },
          "TemplateDirectory"_a, "NewDirectory"_a, "SecurityAttributes"_a.none() = nb::none(),
          "Transaction"_a.none() = nb::none(),
          "As CreateDirectoryEx. On POSIX: a Transaction is ERROR_NOT_SUPPORTED (no transactional NTFS).");
    m.def("RemoveDirectory", [](const std::string& p, nb::handle) { wio::remove_directory(p); }, "PathName"_a,
          "Transaction"_a.none() = nb::none(), "ERROR_DIR_NOT_EMPTY, ERROR_DIRECTORY for a file.");
    m.def("CreateHardLink",
          [](const std::string& link, const std::string& existing, nb::handle, nb::handle) {
              wio::create_hard_link(link, existing);
          },
          "FileName"_a, "ExistingFileName"_a, "SecurityAttributes"_a.none() = nb::none(),
          "Transaction"_a.none() = nb::none(), "A second name for a file.");
    m.def("CreateSymbolicLink",
          [](const std::string& link, const std::string& target, long long flags, nb::handle) {
              wio::create_symbolic_link(link, target, dword_arg(flags, "Flags"));
          },
          "SymlinkFileName"_a, "TargetFileName"_a, "Flags"_a = 0, "Transaction"_a.none() = nb::none(),
          "A symbolic link (no privilege needed on POSIX).");
    m.def("FindFilesW", [](const std::string& p, nb::handle) { return find_files(p); }, "FileName"_a,
          "Transaction"_a.none() = nb::none(),
          "[(attributes, creation, access, write, size high, size low, 0, 0, name, '')] for a pattern.");
    m.def("FindFilesIterator", [](const std::string& p, nb::handle) { return find_files_iterator(p); },
          "FileName"_a, "Transaction"_a.none() = nb::none(), "FindFilesW's tuples, one by one.");
    m.def("GetDiskFreeSpace", &disk_free_space, "rootPathName"_a,
          "(sectors per cluster, bytes per sector, free clusters, total clusters).");
    m.def("GetDiskFreeSpaceEx", &disk_free_space_ex, "rootPathName"_a,
          "(bytes free to the caller, total bytes, free bytes).");
    m.def("GetVolumeInformation", &volume_information, "path"_a,
          "(label, serial, max component length, flags, file system name).");
    m.def("GetLogicalDrives", [] { return w32::paths::logical_drives(); }, "A bit per drive of the drive table.");
    auto drive_type = [](nb::handle root) {
        return wio::get_drive_type(root.is_none() ? std::string() : nb::cast<std::string>(root));
    };
    m.def("GetDriveType", drive_type, "rootPathName"_a.none(), "DRIVE_FIXED, DRIVE_RAMDISK (tmpfs), DRIVE_REMOTE, ...");
    m.def("GetDriveTypeW", drive_type, "rootPathName"_a.none(), "As GetDriveType.");
    m.def("GetFullPathName", [](const std::string& p, nb::handle) { return w32::paths::full_path_name(p); },
          "FileName"_a, "Transaction"_a.none() = nb::none(),
          "An absolute path, Windows-spelt for a Windows path, POSIX otherwise.");
    m.def("GetLongPathName", [](const std::string& p, nb::handle) { return wio::get_long_path_name(p); },
          "ShortPath"_a, "Transaction"_a.none() = nb::none(), "The path itself: there are no short names.");
    m.def("SetCurrentDirectory",
          [](const std::string& p) {
              std::string posix = w32::paths::to_posix(p, "SetCurrentDirectory");
              if (::chdir(posix.c_str()) != 0) w32::throw_errno(errno, "SetCurrentDirectory");
          },
          "lpPathName"_a, "Changes the process's current directory.");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_paths);

}  // namespace bindings
