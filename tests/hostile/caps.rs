//! Memory caps (filled in below).
