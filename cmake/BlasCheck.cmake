# LibTorch from Debian links libblas.so.3 through the alternatives system; on the netlib
# reference BLAS it runs 15-25x slower. Warn loudly at configure time.
set(_fb_blas_link /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/libblas.so.3)
if(NOT CMAKE_LIBRARY_ARCHITECTURE)
  set(_fb_blas_link /usr/lib/x86_64-linux-gnu/libblas.so.3)
endif()
if(EXISTS "${_fb_blas_link}")
  file(REAL_PATH "${_fb_blas_link}" _fb_blas_real)
  if(_fb_blas_real MATCHES "openblas")
    message(STATUS "BLAS for LibTorch: ${_fb_blas_real}")
  else()
    message(WARNING "\n*** LibTorch will run on the reference BLAS (${_fb_blas_real}), 15-25x slower.\n"
                    "*** Run scripts/setup.sh (installs libopenblas0-openmp and selects it).\n")
  endif()
else()
  message(WARNING "No ${_fb_blas_link}: cannot tell which BLAS LibTorch will use.")
endif()
