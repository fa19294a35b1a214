#include <gtest/gtest.h>

#include "w32/error/codes.h"
#include "w32/kernel/handle_table.h"

namespace {

struct Dummy : w32::KernelObject {
    explicit Dummy(int* destroyed = nullptr) : destroyed_(destroyed) {}
    ~Dummy() override {
        if (destroyed_) ++*destroyed_;
    }
    w32::ObjectType type() const noexcept override { return w32::ObjectType::Other; }
    int* destroyed_;
};

uint32_t error_of(auto&& fn) {
    try {
        fn();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

TEST(HandleTable, HandlesAreMultiplesOfFourAndReuseTheLowestFree) {
    w32::HandleTable t;
    auto a = t.insert(std::make_shared<Dummy>(), 0, false);
    auto b = t.insert(std::make_shared<Dummy>(), 0, false);
    auto c = t.insert(std::make_shared<Dummy>(), 0, false);
    EXPECT_EQ(a, 4u);
    EXPECT_EQ(b, 8u);
    EXPECT_EQ(c, 12u);
    t.close(a, "CloseHandle");
    t.close(b, "CloseHandle");
    EXPECT_EQ(t.insert(std::make_shared<Dummy>(), 0, false), 4u);
    EXPECT_EQ(t.insert(std::make_shared<Dummy>(), 0, false), 8u);
    EXPECT_EQ(t.insert(std::make_shared<Dummy>(), 0, false), 16u);
    EXPECT_EQ(t.size(), 4u);
}

TEST(HandleTable, ClosingDropsTheReference) {
    w32::HandleTable t;
    int destroyed = 0;
    auto h = t.insert(std::make_shared<Dummy>(&destroyed), 0, false);
    auto held = t.lookup(h, "Test").object;
    t.close(h, "CloseHandle");
    EXPECT_EQ(destroyed, 0);  // still referenced by `held`
    held.reset();
    EXPECT_EQ(destroyed, 1);
}

TEST(HandleTable, BadHandlesAreInvalidHandle) {
    w32::HandleTable t;
    auto h = t.insert(std::make_shared<Dummy>(), 0, false);
    EXPECT_EQ(error_of([&] { t.lookup(0, "X"); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { t.lookup(h + 1, "X"); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { t.lookup(h + 4, "X"); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { t.lookup(~0ull, "X"); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { t.lookup(1ull << 60, "X"); }), w32::err::kInvalidHandle);
    t.close(h, "CloseHandle");
    EXPECT_EQ(error_of([&] { t.close(h, "CloseHandle"); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { t.lookup(h, "X"); }), w32::err::kInvalidHandle);
}

TEST(HandleTable, TypedLookupRejectsOtherTypes) {
    w32::HandleTable t;
    auto h = t.insert(std::make_shared<Dummy>(), 0, false);
    EXPECT_EQ(error_of([&] { t.get<Dummy>(h, w32::ObjectType::Event, "SetEvent"); }),
              w32::err::kInvalidHandle);
    EXPECT_NE(t.get<Dummy>(h, w32::ObjectType::Other, "X"), nullptr);
}

TEST(HandleTable, InsertAtKeepsTheValueAndRefusesATakenOne) {
    w32::HandleTable t;
    t.insert_at(40, std::make_shared<Dummy>(), 0, true);
    EXPECT_EQ(error_of([&] { t.insert_at(40, std::make_shared<Dummy>(), 0, true); }),
              w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { t.insert_at(41, std::make_shared<Dummy>(), 0, true); }),
              w32::err::kInvalidHandle);
    EXPECT_EQ(t.insert(std::make_shared<Dummy>(), 0, false), 4u);
    auto inh = t.inheritable();
    ASSERT_EQ(inh.size(), 1u);
    EXPECT_EQ(inh[0].first, 40u);
}

}  // namespace
