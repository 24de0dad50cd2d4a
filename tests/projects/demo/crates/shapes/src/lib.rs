pub enum Shape {
    Circle(f64),
    Rect(f64, f64),
}

impl Shape {
    pub fn area(&self) -> f64 {
        match self {
            Shape::Circle(r) => std::f64::consts::PI * r * r,
            Shape::Rect(w, h) => w * h,
        }
    }
}

pub fn sample() -> Vec<Shape> {
    vec![Shape::Circle(1.0), Shape::Rect(2.0, 3.0)]
}
