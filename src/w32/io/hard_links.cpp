#include "w32/io/hard_links.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <deque>
#include <memory>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/unique_fd.h"
#include "w32/paths/drive_table.h"

namespace w32::io {

namespace {

const char* kFn = "FindFileNames";

std::string parent_of(const std::string& p) {
    auto slash = p.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return "/";
    return p.substr(0, slash);
}

// The directory where the file system holding `dir` is mounted.
std::string mount_point(std::string dir, dev_t dev) {
    while (dir != "/") {
        std::string up = parent_of(dir);
        struct stat st;
        if (::stat(up.c_str(), &st) != 0 || st.st_dev != dev) break;
        dir = up;
    }
    return dir;
}

class LinkSearch {
public:
    LinkSearch(dev_t dev, ino_t ino, size_t wanted) : dev_(dev), ino_(ino), wanted_(wanted) {}

    bool complete() const { return found_.size() >= wanted_; }
    bool exhausted() const { return entries_ >= kHardLinkSearchBound; }
    const std::vector<std::string>& found() const { return found_; }
    void add(const std::string& path) {
        if (std::find(found_.begin(), found_.end(), path) == found_.end()) found_.push_back(path);
    }

    // Reads directory `dir`: records the file's names in it, and queues its
    // subdirectories (same file system) when `descend`.
    void scan(const std::string& dir, std::deque<std::string>* descend) {
        UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) {
            unreadable_ = true;
            return;
        }
        DIR* d = ::fdopendir(fd.get());
        if (!d) {
            unreadable_ = true;
            return;
        }
        fd.release();
        std::unique_ptr<DIR, int (*)(DIR*)> owned(d, ::closedir);
        while (dirent* e = ::readdir(d)) {
            if (++entries_ >= kHardLinkSearchBound) return;
            std::string_view name = e->d_name;
            if (name == "." || name == "..") continue;
            std::string path = dir == "/" ? "/" + std::string(name) : dir + "/" + std::string(name);
            if (e->d_ino == ino_ && e->d_type != DT_DIR) {
                struct stat st;
                if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == dev_ &&
                    st.st_ino == ino_) {
                    add(path);
                    if (complete()) return;
                }
            }
            if (descend && e->d_type == DT_DIR) {
                struct stat st;
                if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == dev_)
                    descend->push_back(std::move(path));
            }
        }
    }

private:
    dev_t dev_;
    ino_t ino_;
    size_t wanted_;
    size_t entries_ = 0;
    bool unreadable_ = false;
    std::vector<std::string> found_;
};

}  // namespace

std::vector<std::string> find_file_names(std::string_view path) {
    bool windows = paths::is_windows_path(path);
    std::string posix = paths::to_posix(path, kFn);
    struct stat st;
    if (::stat(posix.c_str(), &st) != 0) throw_errno(errno, kFn);
    // The given name, spelt without symlinks or "..", comes first.
    char resolved[PATH_MAX];
    if (!::realpath(posix.c_str(), resolved)) throw_errno(errno, kFn);
    std::string given = resolved;
    std::string root = mount_point(S_ISDIR(st.st_mode) ? given : parent_of(given), st.st_dev);

    LinkSearch search(st.st_dev, st.st_ino, S_ISDIR(st.st_mode) ? 1 : st.st_nlink);
    search.add(given);
    if (!search.complete()) search.scan(parent_of(given), nullptr);
    std::deque<std::string> dirs{root};
    while (!search.complete() && !dirs.empty() && !search.exhausted()) {
        std::string dir = std::move(dirs.front());
        dirs.pop_front();
        search.scan(dir, &dirs);
    }
    if (!search.complete()) throw_win32(err::kNotSupported, kFn);

    std::vector<std::string> out;
    for (const std::string& p : search.found()) {
        std::string rel = root == "/" ? p : p.substr(root.size());
        if (rel.empty()) rel = "/";
        if (windows) std::replace(rel.begin(), rel.end(), '/', '\\');
        out.push_back(std::move(rel));
    }
    return out;
}

}  // namespace w32::io
