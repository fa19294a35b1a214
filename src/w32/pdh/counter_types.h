// Windows' counter types (winperf.h) and PDH's rules for turning raw samples
// into displayed values, including the rate types that need two samples.
#pragma once

#include <cstdint>

namespace w32::pdh {

namespace perf_type {
inline constexpr uint32_t kCounterCounter = 0x10410400;          // PERF_COUNTER_COUNTER
inline constexpr uint32_t kCounterBulkCount = 0x10410500;        // PERF_COUNTER_BULK_COUNT
inline constexpr uint32_t kCounterRawcount = 0x00010000;         // PERF_COUNTER_RAWCOUNT
inline constexpr uint32_t kCounterLargeRawcount = 0x00010100;    // PERF_COUNTER_LARGE_RAWCOUNT
inline constexpr uint32_t kCounterRawcountHex = 0x00000000;      // PERF_COUNTER_RAWCOUNT_HEX
inline constexpr uint32_t kCounterLargeRawcountHex = 0x00000100; // PERF_COUNTER_LARGE_RAWCOUNT_HEX
inline constexpr uint32_t kCounterDelta = 0x00400400;            // PERF_COUNTER_DELTA
inline constexpr uint32_t kCounterLargeDelta = 0x00400500;       // PERF_COUNTER_LARGE_DELTA
inline constexpr uint32_t kCounterTimer = 0x20410500;            // PERF_COUNTER_TIMER
inline constexpr uint32_t kCounterTimerInv = 0x21410500;         // PERF_COUNTER_TIMER_INV
inline constexpr uint32_t k100nsecTimer = 0x20510500;            // PERF_100NSEC_TIMER
inline constexpr uint32_t k100nsecTimerInv = 0x21510500;         // PERF_100NSEC_TIMER_INV
inline constexpr uint32_t kPrecision100nsTimer = 0x20570500;     // PERF_PRECISION_100NS_TIMER
inline constexpr uint32_t kRawFraction = 0x20020400;             // PERF_RAW_FRACTION
inline constexpr uint32_t kLargeRawFraction = 0x20020500;        // PERF_LARGE_RAW_FRACTION
inline constexpr uint32_t kRawBase = 0x40030403;                 // PERF_RAW_BASE
inline constexpr uint32_t kSampleFraction = 0x20C20400;          // PERF_SAMPLE_FRACTION
inline constexpr uint32_t kAverageTimer = 0x30020400;            // PERF_AVERAGE_TIMER
inline constexpr uint32_t kAverageBulk = 0x40020500;             // PERF_AVERAGE_BULK
inline constexpr uint32_t kElapsedTime = 0x30240500;             // PERF_ELAPSED_TIME
inline constexpr uint32_t kCounterQueuelen = 0x00450400;         // PERF_COUNTER_QUEUELEN_TYPE
inline constexpr uint32_t kCounterLargeQueuelen = 0x00450500;    // PERF_COUNTER_LARGE_QUEUELEN_TYPE
inline constexpr uint32_t kCounter100nsQueuelen = 0x00550500;    // PERF_COUNTER_100NS_QUEUELEN_TYPE
inline constexpr uint32_t kCounterNodata = 0x40000200;           // PERF_COUNTER_NODATA
}  // namespace perf_type

// PDH_FMT_* flags.
namespace fmt {
inline constexpr uint32_t kRaw = 0x00000010;
inline constexpr uint32_t kAnsi = 0x00000020;
inline constexpr uint32_t kUnicode = 0x00000040;
inline constexpr uint32_t kLong = 0x00000100;
inline constexpr uint32_t kDouble = 0x00000200;
inline constexpr uint32_t kLarge = 0x00000400;
inline constexpr uint32_t kNoScale = 0x00001000;
inline constexpr uint32_t k1000 = 0x00002000;
inline constexpr uint32_t kNoData = 0x00004000;
inline constexpr uint32_t kNoCap100 = 0x00008000;
}  // namespace fmt

inline constexpr int kMinScale = -7;  // PDH_MIN_SCALE
inline constexpr int kMaxScale = 7;   // PDH_MAX_SCALE

// Units of RawSample::time: 100 ns, the frequency of PerfTime100nSec.
inline constexpr int64_t kTimeFrequency = 10'000'000;

// One sample of one counter (PDH_RAW_COUNTER without the FILETIME): `time`
// is the time base the rate types divide by, in 100 ns units; `second` is
// the base (denominator) for the fraction and average types.
struct RawSample {
    uint32_t status = 0x800007D3u;  // PDH_CSTATUS_ITEM_NOT_VALIDATED until collected
    int64_t time = 0;
    int64_t first = 0;
    int64_t second = 0;
};

struct CalculatedValue {
    uint32_t status;  // PDH_CSTATUS_VALID_DATA or why not
    double value;
};

// True when PDH needs two samples to compute the type.
bool needs_two_samples(uint32_t counter_type) noexcept;

// True when the type's value is a percentage (capped at 100 unless PDH_FMT_NOCAP100).
bool is_percentage(uint32_t counter_type) noexcept;

// PdhCalculateCounterFromRawValue: the displayed value of `type` from the
// newest and the previous sample, with `scale` (10^scale, unless
// PDH_FMT_NOSCALE) and the 100 cap, PDH_FMT_1000 applied. `format` has been
// validated. Status is PDH_CSTATUS_INVALID_DATA when a rate has one sample.
CalculatedValue calculate(uint32_t counter_type, const RawSample& now, const RawSample* previous,
                          uint32_t format, int scale) noexcept;

// Which of PDH_FMT_LONG/DOUBLE/LARGE `format` asks for, or 0 when it is not
// exactly one of them (PDH_INVALID_ARGUMENT).
uint32_t value_kind(uint32_t format) noexcept;

}  // namespace w32::pdh
