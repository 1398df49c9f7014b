# An ALB as users write it: in the default VPC's subnets behind a security group, a target group with its health check, a listener
# with a fixed default answer and a rule forwarding /api/* to the group. The provider reads more than it
# writes here (DescribeCapacityReservation, DescribeListenerAttributes, every attribute call).
variable "listener_port" {
  type = number
}

data "aws_subnets" "default" {
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

# Who may connect: the listener's port from anywhere (the VPC's default group would let in only its members).
resource "aws_security_group" "web" {
  name        = "tf-web-clients"
  description = "HTTP clients"
  ingress {
    from_port   = var.listener_port
    to_port     = var.listener_port
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "web" {
  name               = "tf-web"
  load_balancer_type = "application"
  subnets            = data.aws_subnets.default.ids
  security_groups    = [aws_security_group.web.id]
  idle_timeout       = 30
  tags               = { app = "web" }
}

resource "aws_lb_target_group" "web" {
  name        = "tf-web"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_lb.web.vpc_id
  health_check {
    path     = "/health"
    interval = 10
    matcher  = "200-299"
  }
  deregistration_delay = 5
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = var.listener_port
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "default"
      status_code  = "200"
    }
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}

output "dns_name" {
  value = aws_lb.web.dns_name
}
