// Placeholder so the library has a translation unit before its sources land.
