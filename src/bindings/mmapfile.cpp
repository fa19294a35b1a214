// mmapfile: pywin32's memory-mapped file object, over the core's sections
// and views (src/w32/mapping). What is pywin32's own (the file's size
// rounded up to a page, the ValueErrors of the position methods) is here.
#include <nanobind/stl/string.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "buffer_args.h"
#include "modules.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/mapping/section.h"
#include "w32/mapping/view.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace map = w32::mapping;

namespace bindings {

namespace {

// pywin32 parses sizes and offsets as unsigned 64-bit without a range
// check: a negative value wraps, and the API call then refuses it.
uint64_t size_from_py(nb::handle v, const char* what) {
    if (v.is_none()) return 0;
    if (!PyLong_Check(v.ptr())) throw nb::type_error((std::string(what) + " must be an int").c_str());
    unsigned long long u = PyLong_AsUnsignedLongLongMask(v.ptr());
    if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) throw nb::python_error();
    return u;
}

int64_t position_from_py(nb::handle v, const char* what) {
    if (!PyLong_Check(v.ptr())) throw nb::type_error((std::string(what) + " must be an int").c_str());
    int overflow = 0;
    long long n = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
    if (n == -1 && PyErr_Occurred()) throw nb::python_error();
    if (overflow) throw nb::value_error((std::string(what) + " out of range").c_str());
    return n;
}

// None or "" -> nullopt; str -> UTF-8; bytes as they are.
std::optional<std::string> text_or_none(nb::handle v, const char* what) {
    if (v.is_none()) return std::nullopt;
    std::string s;
    if (PyUnicode_Check(v.ptr())) {
        Py_ssize_t n = 0;
        const char* p = PyUnicode_AsUTF8AndSize(v.ptr(), &n);
        if (!p) throw nb::python_error();
        s.assign(p, size_t(n));
    } else if (PyBytes_Check(v.ptr())) {
        s.assign(PyBytes_AS_STRING(v.ptr()), size_t(PyBytes_GET_SIZE(v.ptr())));
    } else {
        throw nb::type_error((std::string(what) + " must be a str or None").c_str());
    }
    if (s.empty()) return std::nullopt;
    return s;
}

// pywin32 takes bytes-like data; a str is a TypeError (it has no encoding).
class BytesArg : public BufferArg {
public:
    BytesArg(nb::handle v, const char* what) : BufferArg(refuse_str(v, what), false, what) {}

private:
    static nb::handle refuse_str(nb::handle v, const char* what) {
        if (PyUnicode_Check(v.ptr()))
            throw nb::type_error((std::string(what) + " must be bytes-like, not str").c_str());
        return v;
    }
};

class PyMmapfile {
public:
    PyMmapfile(std::optional<std::string> file, std::optional<std::string> name, uint64_t maximum_size,
               uint64_t offset, uint64_t view_bytes)
        : name_(std::move(name)) {
        if (file) {
            file_ = map::open_backing_file(*file);
            if (maximum_size == 0) {
                // pywin32 maps the whole file, rounded up to a page (which
                // grows the file to that size).
                struct stat st;
                if (fstat(file_->raw_fd(), &st) != 0) w32::throw_errno(errno, "GetFileSize");
                maximum_size = uint64_t(st.st_size);
                if (maximum_size == 0) throw nb::value_error("Specified file is empty, and no mapping size given");
                maximum_size = (maximum_size + map::kPageSize - 1) / map::kPageSize * map::kPageSize;
            }
        }
        open_section(maximum_size);
        view_ = std::make_unique<map::View>(section_, offset, view_bytes);
    }

    void close() {
        view_.reset();
        section_.reset();
        file_.reset();
    }

    nb::bytes read(nb::handle count) {
        check();
        int64_t n = position_from_py(count, "num_bytes");
        size_t left = size() - pos_;
        // pywin32 takes the count as unsigned: anything negative or too
        // large reads to the end.
        size_t take = (n < 0 || uint64_t(n) > left) ? left : size_t(n);
        nb::bytes out(data() + pos_, take);
        pos_ += take;
        return out;
    }

    nb::bytes read_byte() {
        check();
        if (pos_ >= size()) throw nb::value_error("read byte out of range");
        return nb::bytes(data() + pos_++, 1);
    }

    nb::bytes readline() {
        check();
        const char* start = data() + pos_;
        size_t left = size() - pos_;
        const void* nl = std::memchr(start, '\n', left);
        size_t take = nl ? size_t(static_cast<const char*>(nl) - start) + 1 : left;
        pos_ += take;
        return nb::bytes(start, take);
    }

    void write(nb::handle obj) {
        check();
        BytesArg bytes(obj, "data");
        if (bytes.size() > size() - pos_) throw nb::value_error("data out of range");
        std::memcpy(data() + pos_, bytes.bytes().data(), bytes.size());
        pos_ += bytes.size();
    }

    void write_byte(nb::handle obj) {
        check();
        if (!(PyBytes_Check(obj.ptr()) || PyByteArray_Check(obj.ptr())) || PyObject_Length(obj.ptr()) != 1)
            throw nb::type_error("write_byte() argument must be a byte string of length 1");
        if (pos_ >= size()) throw nb::value_error("write_byte past end of buffer");
        BytesArg byte(obj, "char");
        data()[pos_++] = static_cast<char>(byte.bytes()[0]);
    }

    void seek(nb::handle dist_obj, int how) {
        check();
        int64_t dist = position_from_py(dist_obj, "dist");
        int64_t where;
        switch (how) {
            case 0: where = dist; break;
            case 1: where = int64_t(pos_) + dist; break;
            case 2: where = int64_t(size()) - dist; break;  // back from the end, as pywin32 counts
            default: throw nb::value_error("unknown seek type");
        }
        if (where < 0 || uint64_t(where) >= size()) throw nb::value_error("seek out of range");
        pos_ = size_t(where);
    }

    size_t tell() {
        check();
        return pos_;
    }

    size_t size_method() {
        check();
        return size();
    }

    // Documented as "the position of the string": searched from `start`
    // (the current position by default), as an absolute position.
    int64_t find(nb::handle needle_obj, nb::handle start_obj) {
        check();
        BytesArg needle(needle_obj, "needle");
        int64_t start = start_obj.is_none() ? int64_t(pos_) : position_from_py(start_obj, "start");
        if (start < 0 || uint64_t(start) > size()) return -1;
        std::string_view hay(data(), size());
        std::string_view what(reinterpret_cast<const char*>(needle.bytes().data()), needle.size());
        size_t at = hay.find(what, size_t(start));
        return at == std::string_view::npos ? -1 : int64_t(at);
    }

    void move(nb::handle dest_obj, nb::handle src_obj, nb::handle count_obj) {
        check();
        int64_t dest = position_from_py(dest_obj, "dest");
        int64_t src = position_from_py(src_obj, "src");
        int64_t count = position_from_py(count_obj, "count");
        uint64_t n = size();
        if (dest < 0 || src < 0 || count < 0 || uint64_t(src) > n || uint64_t(count) > n - uint64_t(src) ||
            uint64_t(dest) > n || uint64_t(count) > n - uint64_t(dest))
            throw nb::value_error("source or destination out of range");
        std::memmove(data() + dest, data() + src, size_t(count));
    }

    int flush(nb::handle offset_obj, nb::handle size_obj) {
        check();
        int64_t offset = offset_obj.is_none() ? 0 : position_from_py(offset_obj, "offset");
        int64_t bytes = size_obj.is_none() ? 0 : position_from_py(size_obj, "size");
        if (offset < 0 || bytes < 0 || uint64_t(offset) > size() || uint64_t(bytes) > size() - uint64_t(offset))
            throw nb::value_error("flush values out of range");
        view_->flush(size_t(offset), size_t(bytes));
        return 1;
    }

    // A new size makes a new section (which, as with pywin32 on Windows,
    // opens the same one again while another process holds it); then a new
    // view is mapped. After a failure the object is invalid.
    void resize(nb::handle maximum_obj, nb::handle offset_obj, nb::handle bytes_obj) {
        check();
        uint64_t maximum_size = size_from_py(maximum_obj, "MaximumSize");
        uint64_t offset = size_from_py(offset_obj, "FileOffset");
        uint64_t view_bytes = size_from_py(bytes_obj, "NumberOfBytesToMap");
        view_.reset();
        if (maximum_size != 0) {
            section_.reset();
            open_section(maximum_size);
        }
        view_ = std::make_unique<map::View>(section_, offset, view_bytes);
        if (pos_ >= size()) pos_ = size() - 1;
    }

private:
    void open_section(uint64_t maximum_size) {
        section_ = map::create_section(file_ ? file_->raw_fd() : -1, maximum_size,
                                       name_ ? std::optional<std::string_view>(*name_) : std::nullopt);
        // An existing named section was opened: pywin32 lets its file go.
        if (w32::get_last_error() == w32::err::kAlreadyExists) file_.reset();
    }

    void check() const {
        if (!view_) throw nb::value_error("mmapfile closed or invalid");
    }
    char* data() const { return reinterpret_cast<char*>(view_->data()); }
    size_t size() const { return view_->size(); }

    std::optional<std::string> name_;
    std::shared_ptr<w32::io::DiskFile> file_;  // held as pywin32 holds its file handle
    std::shared_ptr<map::Section> section_;
    std::unique_ptr<map::View> view_;
    size_t pos_ = 0;
};

PyMmapfile* new_mmapfile(nb::handle file, nb::handle name, nb::handle maximum_size, nb::handle offset,
                         nb::handle view_bytes) {
    auto file_name = text_or_none(file, "File");
    auto section_name = text_or_none(name, "Name");
    return new PyMmapfile(std::move(file_name), std::move(section_name), size_from_py(maximum_size, "MaximumSize"),
                          size_from_py(offset, "FileOffset"), size_from_py(view_bytes, "NumberOfBytesToMap"));
}

}  // namespace

void bind_mmapfile(nb::module_ m) {
    m.doc() = "Compiled extension module that provides access to the memory mapped file API";
    nb::class_<PyMmapfile>(m, "Pymmapfile", "A view of a file mapping, with a current position.")
        .def("close", &PyMmapfile::close, "Closes the file mapping handle and releases mapped view")
        .def("find", &PyMmapfile::find, "needle"_a, "start"_a.none() = nb::none(),
             "Finds a string in the buffer; returns its position, or -1.")
        .def("flush", &PyMmapfile::flush, "offset"_a.none() = nb::none(), "size"_a.none() = nb::none(),
             "Flushes memory buffer to disk (size 0: to the end of the view)")
        .def("move", &PyMmapfile::move, "dest"_a, "src"_a, "count"_a,
             "Moves data from one place in buffer to another")
        .def("read", &PyMmapfile::read, "num_bytes"_a,
             "Returns specified number of bytes from buffer, and advances current position")
        .def("read_byte", &PyMmapfile::read_byte, "Reads a single character from current pos")
        .def("readline", &PyMmapfile::readline, "Reads data from current pos up to next EOL.")
        .def("resize", &PyMmapfile::resize, "MaximumSize"_a, "FileOffset"_a.none() = 0,
             "NumberOfBytesToMap"_a.none() = 0,
             "Resizes the file mapping and view (MaximumSize 0: only the view changes)")
        .def("seek", &PyMmapfile::seek, "dist"_a, "how"_a = 0,
             "Changes current position (how: 0 from the start, 1 from the current position, "
             "2 backwards from the end)")
        .def("size", &PyMmapfile::size_method, "Returns size of current view")
        .def("tell", &PyMmapfile::tell, "Returns current position in buffer")
        .def("write", &PyMmapfile::write, "data"_a, "Places data at current pos in buffer.")
        .def("write_byte", &PyMmapfile::write_byte, "char"_a, "Writes a single character of data");
    m.def("mmapfile", &new_mmapfile, "File"_a.none(), "Name"_a.none(), "MaximumSize"_a.none() = 0,
          "FileOffset"_a.none() = 0, "NumberOfBytesToMap"_a.none() = 0, nb::rv_policy::take_ownership,
          "Maps a view of a file, or of shared memory when File is None or \"\", and returns a Pymmapfile. "
          "A Name makes the mapping reachable by the session's other processes (a second mmapfile of "
          "that name opens the same memory, with its original size). MaximumSize 0 maps a file at its "
          "size rounded up to a page (ValueError for an empty file); a larger size grows the file. "
          "FileOffset and NumberOfBytesToMap (0: to the end) choose the view. ERROR_SHARING_VIOLATION "
          "when win32file holds the file without sharing.\n\n"
          "On POSIX: named mappings have a namespace of their own (an event may have the same name); "
          "truncating a mapped file is not prevented, and touching pages past its end raises SIGBUS.");
}

W32_REGISTER_SUBMODULE("mmapfile", bind_mmapfile);

}  // namespace bindings
