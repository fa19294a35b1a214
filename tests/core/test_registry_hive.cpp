#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "w32/error/win32_error.h"
#include "w32/registry/change_watch.h"
#include "w32/registry/hive.h"
#include "w32/registry/key_names.h"
#include "w32/registry/value_codec.h"

namespace {

using namespace w32::registry;

class RegistryHive : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/w32regXXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
    std::string path(const char* name) const { return dir_ + "/" + name; }

    static uint32_t code_of(const std::function<void()>& fn) {
        try {
            fn();
        } catch (const w32::Win32Error& e) {
            return e.code();
        }
        return 0;
    }

    std::string dir_;
};

TEST_F(RegistryHive, CreatesKeysCaseInsensitivelyKeepingTheirCase) {
    Hive hive(path("h.hive"), true, "test");
    ASSERT_TRUE(hive.writable());
    auto [id, fresh] = hive.create_path(kRootKeyId, "", {"Software", "MyApp"}, "cls", false, "test");
    EXPECT_TRUE(fresh);
    auto again = hive.create_path(kRootKeyId, "", {"SOFTWARE", "myapp"}, "", false, "test");
    EXPECT_FALSE(again.second);
    EXPECT_EQ(again.first, id);
    auto sw = hive.find_child(kRootKeyId, fold_name("software"), "test");
    ASSERT_TRUE(sw);
    EXPECT_EQ(sw->name, "Software");
    auto kids = hive.children(sw->id, "test");
    ASSERT_EQ(kids.size(), 1u);
    EXPECT_EQ(kids[0].name, "MyApp");
    EXPECT_EQ(kids[0].class_name, "cls");
}

TEST_F(RegistryHive, ValuesKeepCreationOrderAndUpdateInPlace) {
    Hive hive(path("h.hive"), true, "test");
    auto [id, fresh] = hive.create_path(kRootKeyId, "", {"K"}, "", false, "test");
    hive.set_value(id, "K", "b", RegValue{kRegDword, encode_dword(1)}, "test");
    hive.set_value(id, "K", "A", RegValue{kRegSz, encode_string("x", "test")}, "test");
    hive.set_value(id, "K", "B", RegValue{kRegDword, encode_dword(2)}, "test");
    auto vals = hive.values(id, "test");
    ASSERT_EQ(vals.size(), 2u);
    EXPECT_EQ(vals[0].name, "b");
    EXPECT_EQ(decode_dword(vals[0].value.data), 2u);
    EXPECT_EQ(vals[1].name, "A");
    EXPECT_TRUE(hive.delete_value(id, "K", "a", "test"));
    EXPECT_FALSE(hive.delete_value(id, "K", "a", "test"));
}

TEST_F(RegistryHive, DeletingAKeyWithSubkeysNeedsTheTree) {
    Hive hive(path("h.hive"), true, "test");
    auto [leaf, f1] = hive.create_path(kRootKeyId, "", {"A", "B"}, "", false, "test");
    auto a = hive.find_child(kRootKeyId, "A", "test");
    ASSERT_TRUE(a);
    EXPECT_EQ(code_of([&] { hive.delete_key(a->id, "A", false, "test"); }), 5u);
    hive.delete_key(a->id, "A", true, "test");
    EXPECT_FALSE(hive.key_exists(leaf, "test"));
    EXPECT_EQ(code_of([&] { hive.set_value(leaf, "A\\B", "v", RegValue{}, "test"); }), 1018u);
}

TEST_F(RegistryHive, SecondConnectionSeesCommittedChanges) {
    Hive one(path("h.hive"), true, "test");
    Hive two(path("h.hive"), true, "test");
    auto [id, fresh] = one.create_path(kRootKeyId, "", {"K"}, "", false, "test");
    EXPECT_TRUE(two.find_child(kRootKeyId, "K", "test"));
    int64_t before = two.last_change("test");
    // Nobody watches: the change is not logged.
    one.set_value(id, "K", "v", RegValue{kRegQword, encode_qword(7)}, "test");
    EXPECT_TRUE(two.changes_after(before, "test").empty());
    // A watcher's shared lock on the notify file makes writers log.
    int fd = ::open(two.notify_file().c_str(), O_RDONLY);
    ASSERT_GE(fd, 0);
    struct flock lk {};
    lk.l_type = F_RDLCK;
    lk.l_whence = SEEK_SET;
    lk.l_len = 1;
    ASSERT_EQ(::fcntl(fd, F_OFD_SETLK, &lk), 0);
    before = two.last_change("test");
    one.set_value(id, "K", "v", RegValue{kRegQword, encode_qword(8)}, "test");
    auto changes = two.changes_after(before, "test");
    ::close(fd);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].path, "K");
    EXPECT_EQ(changes[0].kind, kChangeLastSet);
    EXPECT_EQ(decode_qword(two.get_value(id, "V", "test")->data), 8u);
}

TEST_F(RegistryHive, NotAHiveIsRegistryCorrupt) {
    std::ofstream(path("bad.hive")) << "this is not sqlite at all, not at all, definitely not";
    EXPECT_EQ(code_of([&] { Hive h(path("bad.hive"), true, "test"); }), 1015u);
}

TEST_F(RegistryHive, MissingHiveInReadOnlyDirIsEmpty) {
    Hive hive(path("nodir/h.hive"), true, "test");
    EXPECT_FALSE(hive.writable());
    EXPECT_TRUE(hive.children(kRootKeyId, "test").empty());
    EXPECT_EQ(code_of([&] { hive.create_path(kRootKeyId, "", {"K"}, "", false, "test"); }), 5u);
}

TEST_F(RegistryHive, TreeRoundTrip) {
    Hive hive(path("h.hive"), true, "test");
    auto [id, f] = hive.create_path(kRootKeyId, "", {"A", "B"}, "", false, "test");
    hive.set_value(id, "A\\B", "v", RegValue{kRegSz, encode_string("x", "test")}, "test");
    auto a = hive.find_child(kRootKeyId, "A", "test");
    auto tree = hive.read_tree(a->id, "test");
    Hive other(path("o.hive"), true, "test");
    other.write_tree(kRootKeyId, "", tree, true, "test");
    auto b = other.find_child(kRootKeyId, "B", "test");
    ASSERT_TRUE(b);
    auto v = other.get_value(b->id, "V", "test");
    ASSERT_TRUE(v);
    EXPECT_EQ(decode_string(v->data), "x");
}

TEST(RegistryCodec, StringsAndConversions) {
    auto bytes = encode_string("h\xc3\xa9\xf0\x9f\x98\x80", "t");
    EXPECT_EQ(bytes.size(), 2u * 5);  // h, é, a surrogate pair, NUL
    EXPECT_EQ(decode_string(bytes), "h\xc3\xa9\xf0\x9f\x98\x80");
    std::vector<std::string> items{"a", "bc"};
    auto multi = encode_multi_string(items, "t");
    EXPECT_EQ(decode_multi_string(multi), items);
    EXPECT_EQ(decode_dword(encode_dword(0x01020304, true), true), 0x01020304u);
    EXPECT_EQ(encode_dword(0x01020304, true)[0], 1);
    EXPECT_EQ(decode_dword(std::vector<uint8_t>{5}), 5u);  // short data is zero-padded
    EXPECT_THROW(utf16_from_utf8("\xff", "t"), w32::Win32Error);
    EXPECT_EQ(fold_name("Stra\xc3\x9f" "e\xc3\xa9"), "STRA\xc3\x9f" "E\xc3\x89");
}

TEST(RegistryNames, SplitsPaths) {
    EXPECT_EQ(split_key_path("a\\b\\", "t"), (std::vector<std::string>{"a", "b"}));
    EXPECT_THROW(split_key_path("\\a", "t"), w32::Win32Error);
    EXPECT_THROW(split_key_path("a\\\\b", "t"), w32::Win32Error);
    EXPECT_THROW(split_key_path(std::string(256, 'x'), "t"), w32::Win32Error);
    EXPECT_NO_THROW(split_key_path(std::string(255, 'x'), "t"));
}

TEST(RegistryExpand, PercentVariables) {
    auto lookup = [](const std::string& n) -> std::optional<std::string> {
        if (n == "A") return std::string("1");
        return std::nullopt;
    };
    EXPECT_EQ(expand_environment_strings("x%A%y", lookup), "x1y");
    EXPECT_EQ(expand_environment_strings("%B%%A%", lookup), "%B%1");
    EXPECT_EQ(expand_environment_strings("50%", lookup), "50%");
    EXPECT_EQ(expand_environment_strings("%%", lookup), "%%");
}

TEST(RegistryWatch, ChangeSelection) {
    WatchSpec spec{nullptr, "SOFTWARE\\APP", false, kChangeLastSet};
    EXPECT_TRUE(change_selects(Change{1, "SOFTWARE\\APP", kChangeLastSet}, spec));
    EXPECT_FALSE(change_selects(Change{1, "SOFTWARE\\APP\\SUB", kChangeLastSet}, spec));
    EXPECT_FALSE(change_selects(Change{1, "SOFTWARE\\APP", kChangeName}, spec));
    EXPECT_FALSE(change_selects(Change{1, "SOFTWARE\\APPX", kChangeLastSet}, spec));
    spec.subtree = true;
    EXPECT_TRUE(change_selects(Change{1, "SOFTWARE\\APP\\SUB", kChangeLastSet}, spec));
    EXPECT_FALSE(change_selects(Change{1, "SOFTWARE\\APPX", kChangeLastSet}, spec));
    EXPECT_TRUE(change_selects(Change{1, "SOFTWARE", kChangeName | kSubtreeDeleted}, spec));
}

}  // namespace
