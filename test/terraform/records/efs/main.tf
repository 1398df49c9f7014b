# A shared file system for ECS tasks, as users declare it: encrypted, with a lifecycle policy, a mount target
# in each of two default subnets behind an NFS security group, an access point with a POSIX user and a root
# directory made for it, a file system policy, and a task definition that mounts it through the access point.
data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

resource "aws_security_group" "nfs" {
  name   = "efs-nfs"
  vpc_id = data.aws_vpc.default.id
  ingress {
    from_port   = 2049
    to_port     = 2049
    protocol    = "tcp"
    cidr_blocks = [data.aws_vpc.default.cidr_block]
  }
}

resource "aws_efs_file_system" "shared" {
  creation_token   = "wharf-shared"
  encrypted        = true
  performance_mode = "generalPurpose"
  throughput_mode  = "bursting"
  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }
  tags = { Name = "shared", team = "wharf" }
}

resource "aws_efs_mount_target" "shared" {
  count           = 2
  file_system_id  = aws_efs_file_system.shared.id
  subnet_id       = sort(data.aws_subnets.default.ids)[count.index]
  security_groups = [aws_security_group.nfs.id]
}

resource "aws_efs_access_point" "app" {
  file_system_id = aws_efs_file_system.shared.id
  posix_user {
    uid            = 1000
    gid            = 1000
    secondary_gids = [2000]
  }
  root_directory {
    path = "/app"
    creation_info {
      owner_uid   = 1000
      owner_gid   = 1000
      permissions = "750"
    }
  }
  tags = { Name = "app" }
}

resource "aws_efs_file_system_policy" "shared" {
  file_system_id = aws_efs_file_system.shared.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
      Resource  = aws_efs_file_system.shared.arn
      Condition = { Bool = { "elasticfilesystem:AccessedViaMountTarget" = "true" } }
    }]
  })
}

resource "aws_ecs_task_definition" "app" {
  family = "efs-app"
  container_definitions = jsonencode([{
    name        = "app"
    image       = "wharf-test/busybox:latest"
    memory      = 32
    essential   = true
    command     = ["sh", "-c", "date >> /data/log"]
    mountPoints = [{ sourceVolume = "shared", containerPath = "/data", readOnly = false }]
  }])
  volume {
    name = "shared"
    efs_volume_configuration {
      file_system_id     = aws_efs_file_system.shared.id
      transit_encryption = "ENABLED"
      authorization_config {
        access_point_id = aws_efs_access_point.app.id
        iam             = "DISABLED"
      }
    }
  }
}

output "file_system_id" {
  value = aws_efs_file_system.shared.id
}

output "dns_name" {
  value = aws_efs_file_system.shared.dns_name
}

output "mount_target_ips" {
  value = aws_efs_mount_target.shared[*].ip_address
}

output "access_point_arn" {
  value = aws_efs_access_point.app.arn
}
