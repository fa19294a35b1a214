// win32file: what a handle says about its file and changes through it
// (GetFinalPathNameByHandle, ReOpenFile, Get/SetFileInformationByHandle(Ex)),
// and the drive table's DefineDosDevice / QueryDosDevice / GetVolumePathName.
#include <nanobind/stl/string.h>

#include <optional>
#include <string>

#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "win32file_common.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_handle_info.h"
#include "w32/paths/drive_table.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

constexpr uint32_t kDddRemoveDefinition = 0x2;

nb::object file_information_ex(HandleArg h, long long info_class) {
    const char* fn = "GetFileInformationByHandleEx";
    auto file = wio::disk_file_of(h.value, fn);
    switch (dword_arg(info_class, "FileInformationClass")) {
        case wio::kFileBasicInfo: {
            auto i = file->info();
            nb::dict d;
            d["CreationTime"] = filetime_object(i.creation_time);
            d["LastAccessTime"] = filetime_object(i.access_time);
            d["LastWriteTime"] = filetime_object(i.write_time);
            d["ChangeTime"] = filetime_object(i.creation_time);  // the status change time
            d["FileAttributes"] = i.attributes;
            return d;
        }
        case wio::kFileStandardInfo: {
            auto s = wio::standard_info(*file);
            nb::dict d;
            d["AllocationSize"] = s.allocation_size;
            d["EndOfFile"] = s.end_of_file;
            d["NumberOfLinks"] = s.links;
            d["DeletePending"] = s.delete_pending;
            d["Directory"] = s.directory;
            return d;
        }
        case wio::kFileNameInfo:
            // The path without its drive, as Windows gives it.
            return nb::cast(wio::final_path_name(*file, wio::kVolumeNameNone));
        case wio::kFileAttributeTagInfo: {
            nb::dict d;
            d["FileAttributes"] = file->info().attributes;
            d["ReparseTag"] = 0;
            return d;
        }
        default: w32::throw_win32(w32::err::kNotSupported, fn);
    }
}

uint64_t time_field(const nb::dict& d, const char* key) {
    if (!d.contains(key) || d[key].is_none()) return 0;
    return filetime_arg(d[key], false);
}

void set_file_information(HandleArg h, long long info_class, nb::handle info) {
    const char* fn = "SetFileInformationByHandle";
    auto file = wio::disk_file_of(h.value, fn);
    switch (dword_arg(info_class, "FileInformationClass")) {
        case wio::kFileBasicInfo: {
            if (!nb::isinstance<nb::dict>(info)) throw nb::type_error("FileBasicInfo takes a dict");
            auto d = nb::borrow<nb::dict>(info);
            uint32_t attrs = d.contains("FileAttributes") ? dword_arg(nb::cast<long long>(d["FileAttributes"]), "FileAttributes") : 0;
            wio::set_basic_info(*file, time_field(d, "CreationTime"), time_field(d, "LastAccessTime"),
                                time_field(d, "LastWriteTime"), time_field(d, "ChangeTime"), attrs);
            return;
        }
        case wio::kFileRenameInfo: {
            if (!nb::isinstance<nb::dict>(info)) throw nb::type_error("FileRenameInfo takes a dict");
            auto d = nb::borrow<nb::dict>(info);
            if (!d.contains("FileName")) throw nb::type_error("FileRenameInfo needs a FileName");
            bool replace = d.contains("ReplaceIfExists") && PyObject_IsTrue(d["ReplaceIfExists"].ptr()) == 1;
            wio::rename_open_file(*file, nb::cast<std::string>(d["FileName"]), replace);
            return;
        }
        case wio::kFileDispositionInfo: {
            int truth = PyObject_IsTrue(info.ptr());
            if (truth < 0) throw nb::python_error();
            wio::set_delete_disposition(*file, truth == 1);
            return;
        }
        case wio::kFileAllocationInfo: wio::set_allocation(*file, nb::cast<uint64_t>(info)); return;
        case wio::kFileEndOfFileInfo: wio::set_end_of_file_at(*file, nb::cast<uint64_t>(info)); return;
        default: w32::throw_win32(w32::err::kNotSupported, fn);
    }
}

// QueryDosDevice answers in REG_MULTI_SZ form: each target NUL-ended, then a NUL.
std::string query_dos_device(nb::handle name) {
    std::string out;
    if (name.is_none()) {
        uint32_t mask = w32::paths::logical_drives();
        for (int i = 0; i < 26; ++i)
            if (mask & (1u << i)) out += std::string(1, static_cast<char>('A' + i)) + ":" + '\0';
    } else {
        out = w32::paths::query_drive(nb::cast<std::string>(name)) + '\0';
    }
    return out + '\0';
}

void bind_win32file_handles(nb::module_ m) {
    m.def("GetFinalPathNameByHandle",
          [](HandleArg h, long long flags) {
              return wio::final_path_name(*wio::disk_file_of(h.value, "GetFinalPathNameByHandle"),
                                          dword_arg(flags, "Flags"));
          },
          "File"_a, "Flags"_a,
          "Where the open file is now: \\\\?\\C:\\... (VOLUME_NAME_DOS) or \\... (VOLUME_NAME_NONE); "
          "GUID and NT volume names raise ERROR_NOT_SUPPORTED.");
    m.def("ReOpenFile",
          [](HandleArg h, long long access, long long share, long long flags) {
              return PyHandle(wio::reopen_file(h.value, dword_arg(access, "DesiredAccess"),
                                               dword_arg(share, "ShareMode"), dword_arg(flags, "Flags")));
          },
          "OriginalFile"_a, "DesiredAccess"_a, "ShareMode"_a, "Flags"_a,
          "A new handle to the same file with other access, sharing and flags.");
    m.def("GetFileInformationByHandleEx", &file_information_ex, "File"_a, "FileInformationClass"_a,
          "FileBasicInfo and FileStandardInfo (dicts), FileNameInfo (str), FileAttributeTagInfo; other "
          "classes raise ERROR_NOT_SUPPORTED.");
    m.def("SetFileInformationByHandle", &set_file_information, "File"_a, "FileInformationClass"_a, "Information"_a,
          "FileBasicInfo (dict of times/attributes), FileRenameInfo (dict: FileName, ReplaceIfExists), "
          "FileDispositionInfo (bool), FileAllocationInfo, FileEndOfFileInfo (int).");
    m.def("GetCompressedFileSize",
          [](const std::string& name, nb::handle) { return wio::compressed_file_size(name); }, "FileName"_a,
          "Transaction"_a.none() = nb::none(), "The bytes the file takes on disk (sparse files take less).");
    m.def("ReplaceFile",
          [](const std::string& replaced, const std::string& replacement, nb::handle backup, long long flags,
             nb::handle, nb::handle) {
              dword_arg(flags, "ReplaceFlags");
              std::optional<std::string> b;
              if (!backup.is_none()) b = nb::cast<std::string>(backup);
              wio::replace_file(replaced, replacement, b);
          },
          "ReplacedFileName"_a, "ReplacementFileName"_a, "BackupFileName"_a.none() = nb::none(),
          "ReplaceFlags"_a = 0, "Exclude"_a.none() = nb::none(), "Reserved"_a.none() = nb::none(),
          "The replacement takes the replaced file's name (and permissions); the old one is kept as the "
          "backup when one is named.");
    auto define = [](long long flags, const std::string& name, nb::handle target) {
        uint32_t f = dword_arg(flags, "flags");
        w32::paths::define_drive(name, target.is_none() ? std::string() : nb::cast<std::string>(target),
                                 f & kDddRemoveDefinition);
    };
    m.def("DefineDosDevice", define, "flags"_a, "deviceName"_a, "targetPath"_a.none(),
          "Adds (or with DDD_REMOVE_DEFINITION removes) a drive of the drive table: DefineDosDevice(0, 'D:', "
          "'/mnt/data'). Other device names raise ERROR_NOT_SUPPORTED.");
    m.def("DefineDosDeviceW", define, "flags"_a, "deviceName"_a, "targetPath"_a.none(), "As DefineDosDevice.");
    m.def("QueryDosDevice", &query_dos_device, "DeviceName"_a.none(),
          "A drive's POSIX root (NUL-ended list form); None lists the drives.");
    m.def("GetVolumePathName",
          [](const std::string& name, nb::handle) { return w32::paths::volume_path_name(name); }, "FileName"_a,
          "BufferLength"_a.none() = nb::none(), "The mount point holding the path, with a trailing separator.");
    // The A functions take UTF-8 here whatever the code page: these only report and accept.
    m.def("AreFileApisANSI", [] { return 1; }, "True: file names are taken as the ANSI (here UTF-8) code page.");
    m.def("SetFileApisToANSI", [] {}, "File names are always UTF-8: nothing to change.");
    m.def("SetFileApisToOEM", [] {}, "File names are always UTF-8: nothing to change.");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_handles);

}  // namespace bindings
