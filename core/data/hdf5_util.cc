#include "core/data/hdf5_util.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace fb::data::hdf5 {
namespace {

herr_t KeepInnermost(unsigned position, const H5E_error2_t* error, void* out) {
  if (position == 0 && error->desc != nullptr) *static_cast<std::string*>(out) = error->desc;
  return 0;
}

void Check(herr_t status, const std::string& what, const std::string& where) {
  if (status < 0) throw std::runtime_error("HDF5 cannot " + what + " in '" + where + "': " + LastError());
}

// Replacing an attribute means deleting the old one: HDF5 cannot re-create it in place.
void DeleteAttributeIfPresent(hid_t object, const std::string& name, const std::string& where) {
  const htri_t exists = H5Aexists(object, name.c_str());
  Check(exists, "query attribute '" + name + "'", where);
  if (exists > 0) Check(H5Adelete(object, name.c_str()), "delete attribute '" + name + "'", where);
}

// The n of "demo_<n>", or -1 for any other name.
int64_t DemoNumber(const std::string& name) {
  constexpr std::string_view kPrefix = "demo_";
  if (!name.starts_with(kPrefix) || name.size() == kPrefix.size() || name.size() > kPrefix.size() + 18) return -1;
  if (!std::all_of(name.begin() + kPrefix.size(), name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) return -1;
  return std::stoll(name.substr(kPrefix.size()));
}

}  // namespace

// Demo names under /data sorted by their number.
std::vector<std::string> DemoNames(hid_t data, const std::string& file) {
  H5G_info_t info;
  if (H5Gget_info(data, &info) < 0) throw InputError("HDF5 file '" + file + "': cannot list /data: " + hdf5::LastError());
  std::vector<std::pair<int64_t, std::string>> demos;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t length = H5Lget_name_by_idx(data, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (length < 0) throw InputError("HDF5 file '" + file + "': cannot list /data: " + hdf5::LastError());
    std::string name(static_cast<size_t>(length) + 1, '\0');
    H5Lget_name_by_idx(data, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<size_t>(length));
    if (const int64_t number = DemoNumber(name); number >= 0) demos.emplace_back(number, std::move(name));
  }
  std::sort(demos.begin(), demos.end());
  std::vector<std::string> names;
  for (auto& demo : demos) names.push_back(std::move(demo.second));
  return names;
}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    Reset();
    k_id_ = other.k_id_;
    k_close_ = other.k_close_;
    other.k_id_ = H5I_INVALID_HID;
  }
  return *this;
}

bool Handle::Reset() {
  if (!valid()) return true;
  const herr_t status = k_close_(k_id_);
  k_id_ = H5I_INVALID_HID;
  return status >= 0;
}

void SilenceErrors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string LastError() {
  std::string message;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, KeepInnermost, &message);
  return message;
}

std::optional<std::string> ReadStringAttribute(hid_t object, const char* name, const std::string& where) {
  if (H5Aexists(object, name) <= 0) return std::nullopt;
  const Handle attribute(H5Aopen(object, name, H5P_DEFAULT), H5Aclose);
  const Handle type(attribute.valid() ? H5Aget_type(attribute.get()) : H5I_INVALID_HID, H5Tclose);
  if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING) {
    throw InputError("'" + where + "': attribute '" + name + "' is not a string");
  }
  // A copy keeps the file's character set: HDF5 does not convert between ASCII and UTF-8.
  const Handle memory_type(H5Tcopy(type.get()), H5Tclose);
  if (H5Tis_variable_str(type.get()) > 0) {
    char* text = nullptr;
    if (H5Aread(attribute.get(), memory_type.get(), &text) < 0) {
      throw InputError("'" + where + "': cannot read attribute '" + name + "': " + LastError());
    }
    std::string value = text != nullptr ? text : "";
    H5free_memory(text);
    return value;
  }
  // One spare byte: converting to a NUL-terminated type of the same size would drop the
  // last character of a full-length value.
  const size_t size = H5Tget_size(type.get()) + 1;
  H5Tset_size(memory_type.get(), size);
  H5Tset_strpad(memory_type.get(), H5T_STR_NULLTERM);
  std::vector<char> text(size, '\0');
  if (H5Aread(attribute.get(), memory_type.get(), text.data()) < 0) {
    throw InputError("'" + where + "': cannot read attribute '" + name + "': " + LastError());
  }
  return std::string(text.data());
}

void WriteStringAttribute(hid_t object, const std::string& name, std::string_view value, const std::string& where) {
  DeleteAttributeIfPresent(object, name, where);
  const Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  Check(H5Tset_size(type.get(), H5T_VARIABLE), "make a string type", where);
  Check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "make a string type", where);
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const Handle attribute(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  Check(attribute.valid() ? 0 : -1, "create attribute '" + name + "'", where);
  const std::string text(value);
  const char* pointer = text.c_str();
  Check(H5Awrite(attribute.get(), type.get(), &pointer), "write attribute '" + name + "'", where);
}

void WriteInt64Attribute(hid_t object, const std::string& name, int64_t value, const std::string& where) {
  DeleteAttributeIfPresent(object, name, where);
  const Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  const Handle attribute(H5Acreate2(object, name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  Check(attribute.valid() ? 0 : -1, "create attribute '" + name + "'", where);
  Check(H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value), "write attribute '" + name + "'", where);
}

}  // namespace fb::data::hdf5
