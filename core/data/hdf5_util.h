// Internal to fb_data: RAII ownership of HDF5 C API handles and the few attribute
// helpers the reader and writer share. Only .cc files include this (HDF5 stays private).
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fb::data::hdf5 {

// Owns one hid_t and releases it with the matching H5*close. Move-only.
class Handle final {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : k_id_(id), k_close_(close) {}
  ~Handle() { Reset(); }
  Handle(Handle&& other) noexcept : k_id_(other.k_id_), k_close_(other.k_close_) { other.k_id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return k_id_; }
  bool valid() const { return k_id_ >= 0; }

  // Closes now; returns false when HDF5 reports a failure (e.g. data not flushed).
  bool Reset();

 private:
  hid_t k_id_ = H5I_INVALID_HID;
  Closer k_close_ = nullptr;
};

// Stops HDF5 printing its error stack to stderr for the calling thread (the setting
// is per thread in thread-safe builds); failures surface as our exceptions instead.
void SilenceErrors();

// The innermost message on the calling thread's HDF5 error stack, "" when empty; it
// says why the last call failed (e.g. "file signature not found").
std::string LastError();

// A string attribute (fixed- or variable-length) of `object`; nullopt when absent.
// Throws fb::InputError naming `where` and the attribute when it is not a string.
std::optional<std::string> ReadStringAttribute(hid_t object, const char* name, const std::string& where);

// Writes a scalar variable-length UTF-8 string attribute, as h5py writes a Python str,
// replacing any previous value. Throws std::runtime_error naming `where` on failure.
void WriteStringAttribute(hid_t object, const std::string& name, std::string_view value, const std::string& where);

// Writes a scalar int64 attribute (h5py's type for a Python int); throws like above.
void WriteInt64Attribute(hid_t object, const std::string& name, int64_t value, const std::string& where);

// The demo_<n> group names under /data (`data` is that group), sorted by n; other names
// are ignored. Throws fb::InputError naming `file` when the group cannot be listed.
std::vector<std::string> DemoNames(hid_t data, const std::string& file);

}  // namespace fb::data::hdf5
