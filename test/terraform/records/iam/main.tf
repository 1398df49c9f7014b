# The IAM resources ECS users write: a task role with a customer managed policy and AWS managed policies,
# an instance role and profile for container instances, a CI user with an access key.
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "task" {
  name               = "app-task"
  path               = "/ecs/"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
  tags               = { team = "wharf" }
}

resource "aws_iam_policy" "read_bucket" {
  name        = "read-results"
  description = "read the results bucket"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:ListBucket"]
      Resource = ["arn:aws:s3:::results", "arn:aws:s3:::results/*"]
    }]
  })
}

resource "aws_iam_role_policy_attachment" "task_reads" {
  role       = aws_iam_role.task.name
  policy_arn = aws_iam_policy.read_bucket.arn
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "instance" {
  name = "ecs-instance"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "instance" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "instance" {
  name = "ecs-instance"
  role = aws_iam_role.instance.name
}

resource "aws_iam_user" "ci" {
  name = "ci"
  tags = { purpose = "deploys" }
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

output "account" { value = data.aws_caller_identity.current.account_id }
output "role_arn" { value = aws_iam_role.task.arn }
output "key_id" { value = aws_iam_access_key.ci.id }
