#include "core/data/hdf5_demo_writer.h"

#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "core/atomic_file.h"
#include "core/data/hdf5_actions.h"
#include "core/data/hdf5_util.h"
#include "core/error.h"
#include "core/interrupt.h"

namespace fb::data {
namespace {

using hdf5::Handle;

std::filesystem::path TempPathFor(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  return path.string() + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void Check(bool ok, const std::string& what, const std::filesystem::path& file) {
  if (!ok) throw std::runtime_error("HDF5 cannot " + what + " in '" + file.string() + "': " + hdf5::LastError());
}

// The dataset dims for `shape`; fb::InputError unless they hold exactly `count` values.
std::vector<hsize_t> DimsFor(std::span<const int64_t> shape, size_t count, const std::string& dataset,
                             const std::filesystem::path& file) {
  std::vector<hsize_t> dims;
  size_t product = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw InputError("'" + file.string() + "': " + dataset + " has a negative dimension");
    dims.push_back(static_cast<hsize_t>(dim));
    product *= static_cast<size_t>(dim);
  }
  if (product != count) {
    throw InputError("'" + file.string() + "': " + dataset + " shape holds " + std::to_string(product) +
                     " values but " + std::to_string(count) + " were given");
  }
  return dims;
}

// Creates `name` under `location` (missing groups included) and writes `values`.
void WriteDataset(hid_t location, const std::string& name, const std::vector<hsize_t>& dims, hid_t stored,
                  hid_t memory, const void* values, hid_t create_plist, const std::filesystem::path& file) {
  const Handle link_plist(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  Check(H5Pset_create_intermediate_group(link_plist.get(), 1) >= 0, "set up groups for " + name, file);
  const Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  const Handle dataset(
      H5Dcreate2(location, name.c_str(), stored, space.get(), link_plist.get(), create_plist, H5P_DEFAULT), H5Dclose);
  Check(dataset.valid(), "create dataset " + name, file);
  if (H5Sget_simple_extent_npoints(space.get()) > 0) {
    Check(H5Dwrite(dataset.get(), memory, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) >= 0, "write dataset " + name, file);
  }
}

}  // namespace

struct Hdf5DemoWriter::Open {
  Handle file;
  Handle data;
};

Hdf5DemoWriter::Hdf5DemoWriter(std::filesystem::path path)
    : k_path_(std::move(path)), k_temp_path_(TempPathFor(k_path_)), k_open_(std::make_unique<Open>()) {
  hdf5::SilenceErrors();
  try {
    if (k_path_.has_parent_path()) std::filesystem::create_directories(k_path_.parent_path());
    // A strong close releases every object with the file, so Commit renames a closed file.
    const Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
    Check(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG) >= 0, "set up file access", k_path_);
    k_open_->file = Handle(H5Fcreate(k_temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), H5Fclose);
    Check(k_open_->file.valid(), "create temporary file " + k_temp_path_.string(), k_path_);
    k_open_->data = Handle(H5Gcreate2(k_open_->file.get(), "data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    Check(k_open_->data.valid(), "create group /data", k_path_);
  } catch (...) {
    k_open_.reset();
    std::error_code ignored;
    std::filesystem::remove(k_temp_path_, ignored);
    throw;
  }
}

Hdf5DemoWriter::~Hdf5DemoWriter() {
  if (k_committed_) return;
  k_open_.reset();
  std::error_code ignored;
  std::filesystem::remove(k_temp_path_, ignored);
}

Hdf5DemoWriter::Open& Hdf5DemoWriter::Handles() {
  if (!k_open_) throw std::logic_error("Hdf5DemoWriter for '" + k_path_.string() + "' is already committed or failed");
  return *k_open_;
}

void Hdf5DemoWriter::SetActionLabels(std::string_view embodiment, std::string_view action_space) {
  SetDataAttribute(kEmbodimentAttribute, embodiment);
  SetDataAttribute(kActionSpaceAttribute, action_space);
}

void Hdf5DemoWriter::SetDataAttribute(const std::string& name, std::string_view value) {
  hdf5::WriteStringAttribute(Handles().data.get(), name, value, k_path_.string() + ":/data");
}

void Hdf5DemoWriter::SetAttribute(const std::string& object_path, const std::string& name, std::string_view value) {
  const Handle object(H5Oopen(Handles().file.get(), object_path.c_str(), H5P_DEFAULT), H5Oclose);
  Check(object.valid(), "open " + object_path, k_path_);
  hdf5::WriteStringAttribute(object.get(), name, value, k_path_.string() + ":" + object_path);
}

void Hdf5DemoWriter::SetAttribute(const std::string& object_path, const std::string& name, int64_t value) {
  const Handle object(H5Oopen(Handles().file.get(), object_path.c_str(), H5P_DEFAULT), H5Oclose);
  Check(object.valid(), "open " + object_path, k_path_);
  hdf5::WriteInt64Attribute(object.get(), name, value, k_path_.string() + ":" + object_path);
}

std::string Hdf5DemoWriter::WriteDemoActions(int64_t index, int64_t steps, int dims, std::span<const float> actions) {
  const hid_t data = Handles().data.get();
  const std::string name = "demo_" + std::to_string(index);
  if (index < 0) throw InputError("'" + k_path_.string() + "': demo index " + std::to_string(index) + " is negative");
  if (H5Lexists(data, name.c_str(), H5P_DEFAULT) > 0) {
    throw InputError("'" + k_path_.string() + "': data/" + name + " is already written");
  }
  const std::vector<int64_t> shape = {steps, dims};
  const std::vector<hsize_t> extent = DimsFor(shape, actions.size(), "data/" + name + "/actions", k_path_);
  const Handle group(H5Gcreate2(data, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  Check(group.valid(), "create group data/" + name, k_path_);
  WriteDataset(group.get(), "actions", extent, H5T_IEEE_F64LE, H5T_NATIVE_FLOAT, actions.data(), H5P_DEFAULT, k_path_);
  hdf5::WriteInt64Attribute(group.get(), "num_samples", steps, k_path_.string() + ":data/" + name);
  k_total_samples_ += steps;
  ++k_demos_;
  return "data/" + name;
}

void Hdf5DemoWriter::WriteFloatDataset(const std::string& path, std::span<const int64_t> shape,
                                       std::span<const float> values, Hdf5Float stored) {
  const hid_t file = Handles().file.get();
  const std::vector<hsize_t> extent = DimsFor(shape, values.size(), path, k_path_);
  WriteDataset(file, path, extent, stored == Hdf5Float::kFloat32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE, H5T_NATIVE_FLOAT,
               values.data(), H5P_DEFAULT, k_path_);
}

void Hdf5DemoWriter::WriteFloatDataset(const std::string& path, std::span<const int64_t> shape,
                                       std::span<const double> values) {
  const hid_t file = Handles().file.get();
  const std::vector<hsize_t> extent = DimsFor(shape, values.size(), path, k_path_);
  WriteDataset(file, path, extent, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data(), H5P_DEFAULT, k_path_);
}

void Hdf5DemoWriter::WriteImageDataset(const std::string& path, int64_t frames, int height, int width,
                                       std::span<const uint8_t> rgb) {
  const hid_t file = Handles().file.get();
  if (height <= 0 || width <= 0) {
    throw InputError("'" + k_path_.string() + "': " + path + " frame size " + std::to_string(height) + "x" +
                     std::to_string(width) + " must be positive");
  }
  const std::vector<int64_t> shape = {frames, height, width, 3};
  const std::vector<hsize_t> extent = DimsFor(shape, rgb.size(), path, k_path_);
  const Handle create(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  if (frames > 0) {  // a chunk may not exceed a fixed-size dataset, so an empty one stays contiguous
    const hsize_t chunk[4] = {1, extent[1], extent[2], 3};
    Check(H5Pset_chunk(create.get(), 4, chunk) >= 0 && H5Pset_deflate(create.get(), 4) >= 0,
          "set up compression for " + path, k_path_);
  }
  WriteDataset(file, path, extent, H5T_STD_U8LE, H5T_NATIVE_UINT8, rgb.data(), create.get(), k_path_);
}

void Hdf5DemoWriter::Commit() {
  const hid_t data = Handles().data.get();
  hdf5::WriteInt64Attribute(data, "total", k_total_samples_, k_path_.string() + ":/data");
  hdf5::WriteInt64Attribute(data, "num_demos", k_demos_, k_path_.string() + ":/data");
  const std::unique_ptr<Open> closing = std::move(k_open_);
  const bool data_closed = closing->data.Reset();
  Check(closing->file.Reset() && data_closed, "close the file", k_path_);
  SyncPath(k_temp_path_);
  std::filesystem::rename(k_temp_path_, k_path_);
  k_committed_ = true;
  SyncPath(k_path_.has_parent_path() ? k_path_.parent_path() : std::filesystem::path("."));
}

void WriteHdf5Actions(const std::filesystem::path& path, const ActionDataset& dataset) {
  if (dataset.episodes.empty()) throw InputError("dataset '" + dataset.name + "' has no episodes to write to " + path.string());
  const Episode& first = dataset.episodes.front();
  for (const Episode& episode : dataset.episodes) {
    if (episode.embodiment != first.embodiment || episode.action_space != first.action_space || episode.dims != first.dims) {
      throw InputError("episodes '" + first.source + "' and '" + episode.source +
                       "' differ in embodiment, action space or dims; one HDF5 file holds one group (GroupEpisodes)");
    }
  }
  Hdf5DemoWriter writer(path);
  writer.SetActionLabels(first.embodiment, first.action_space);
  for (size_t i = 0; i < dataset.episodes.size(); ++i) {
    ThrowIfInterrupted();
    const Episode& episode = dataset.episodes[i];
    writer.WriteDemoActions(static_cast<int64_t>(i), episode.steps, episode.dims, episode.actions);
  }
  writer.Commit();
}

}  // namespace fb::data
