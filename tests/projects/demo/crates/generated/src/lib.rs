include!(concat!(env!("OUT_DIR"), "/squares.rs"));
