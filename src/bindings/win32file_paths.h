// What win32api_files.cpp shares with win32file_paths.cpp: the same core
// calls under win32api's names and tuple shapes.
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "w32/io/path_functions.h"

namespace bindings {

nanobind::tuple find_data_tuple(const w32::io::FindData& d);
nanobind::list find_files(const std::string& pattern);
nanobind::tuple disk_free_space(const std::string& root);
nanobind::tuple disk_free_space_ex(const std::string& root);
nanobind::tuple volume_information(const std::string& root);
void copy_file(const std::string& from, const std::string& to, bool fail_if_exists);
// FindFirst/FindNext/FindCloseChangeNotification (win32file_notify.cpp).
void bind_change_notifications(nanobind::module_ m);

}  // namespace bindings
