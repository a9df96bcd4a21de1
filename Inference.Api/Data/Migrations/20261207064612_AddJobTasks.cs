using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Inference.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddJobTasks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Parameters",
                table: "batch_jobs",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<float[]>(
                name: "Embedding",
                table: "batch_job_results",
                type: "real[]",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Parameters",
                table: "batch_jobs");

            migrationBuilder.DropColumn(
                name: "Embedding",
                table: "batch_job_results");
        }
    }
}
