#pragma once
// Timestamps of traces as integer nanoseconds since the Unix epoch (UTC). No floating point: a
// decimal "1700000000.123456" becomes exactly 1700000000123456000.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hs::trace {

// nginx $time_local: "10/Oct/2000:13:55:36 -0700" (brackets not included).
std::optional<std::int64_t> parseTimeLocal(std::string_view s);
// ISO 8601 / RFC 3339: "2000-10-10T13:55:36-07:00", "…36.123Z", "…36+0000", a space for 'T';
// fractions up to nanoseconds. nginx $time_iso8601 and HAR startedDateTime.
std::optional<std::int64_t> parseIso8601(std::string_view s);
// Decimal seconds: "1700000000", "1700000000.123" (nginx $msec; JSON Lines numbers).
std::optional<std::int64_t> parseDecimalSeconds(std::string_view s);
// A duration in decimal seconds ("0.003", nginx $request_time), to nanoseconds.
std::optional<std::int64_t> parseSecondsDuration(std::string_view s);

// Days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d);
// "2026-11-25T10:00:00.123Z" (milliseconds), for reports.
std::string formatIso8601Ms(std::int64_t ns);

}  // namespace hs::trace
